import { and, eq, isNull } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Database } from "../db/index.js";
import { problems } from "../http/problem.js";
import { users } from "../schema.js";
import type { Role, User } from "../types.js";
import { type AdminUser, type AuthService, adminUser } from "./service.js";

export interface UserChange {
  role?: Role;
  name?: string;
  suspended?: boolean;
}

/** What an admin changes on someone's account: role, name, suspension. Every change is audited. */
export class AdminUsers {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly auth: AuthService,
  ) {}

  async update(actor: User, userId: string, change: UserChange): Promise<AdminUser> {
    return this.db.transaction(async (tx) => {
      // Every active admin row is locked, so two admins demoting each other at once cannot
      // both pass the "another active admin remains" check.
      const admins = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.role, "admin"), isNull(users.suspendedAt)))
        .for("update");
      const [row] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
      if (!row) throw problems.notFound("There is no such user.");

      const losesAdmin =
        row.role === "admin" &&
        !row.suspendedAt &&
        ((change.role !== undefined && change.role !== "admin") || change.suspended === true);
      if (losesAdmin && admins.filter((a) => a.id !== row.id).length === 0) {
        throw problems.conflict(
          "This is the last active administrator: make someone else an administrator first.",
          { type: "last-admin" },
        );
      }
      if (change.suspended === true && row.id === actor.id) {
        throw problems.conflict("You cannot suspend your own account.", { type: "conflict" });
      }

      const set: Partial<typeof users.$inferInsert> = {};
      if (change.name !== undefined && change.name.trim() !== row.name) {
        set.name = change.name.trim();
        await this.auth.audit.record(tx, { action: "auth.user.renamed", targetUserId: row.id });
      }
      if (change.role !== undefined && change.role !== row.role) {
        set.role = change.role;
        await this.auth.audit.record(tx, {
          action: "auth.user.role-changed",
          targetUserId: row.id,
          detail: { from: row.role, to: change.role },
        });
      }
      if (change.suspended === true && !row.suspendedAt) {
        set.suspendedAt = this.clock.now();
        await this.auth.sessions.invalidateAllFor(tx, row.id);
        await this.auth.audit.record(tx, { action: "auth.user.suspended", targetUserId: row.id });
      }
      if (change.suspended === false && row.suspendedAt) {
        set.suspendedAt = null;
        await this.auth.audit.record(tx, { action: "auth.user.reactivated", targetUserId: row.id });
      }
      if (Object.keys(set).length === 0) return adminUser(row);
      const [updated] = await tx.update(users).set(set).where(eq(users.id, row.id)).returning();
      // A new role or name takes effect on the user's very next request, on every instance.
      await this.auth.sessions.forgetCached(tx, { userId: row.id });
      return adminUser(updated!);
    });
  }
}
