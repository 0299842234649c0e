import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Executor } from "../db/index.js";
import { problems } from "../http/problem.js";
import type { Logger } from "../logger.js";
import { users, userTokens } from "../schema.js";
import { hashSecret, randomToken } from "./tokens.js";

export type TokenPurpose = (typeof userTokens.$inferSelect)["purpose"];
export type UserRow = typeof users.$inferSelect;

/** Single-use links mailed to users; only a hash of each token is stored. */
export class UserTokens {
  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async issue(
    tx: Executor,
    input: { userId: string; purpose: TokenPurpose; lifetimeMs: number; newEmail?: string },
  ): Promise<string> {
    const token = randomToken() + randomToken();
    const now = this.clock.now();
    await tx.insert(userTokens).values({
      id: randomUUID(),
      tokenHash: hashSecret(token),
      purpose: input.purpose,
      userId: input.userId,
      newEmail: input.newEmail ?? null,
      expiresAt: new Date(now.getTime() + input.lifetimeMs),
      createdAt: now,
    });
    return token;
  }

  /** Several links in one statement (a bulk import invites hundreds at once); tokens in input order. */
  async issueMany(
    tx: Executor,
    inputs: readonly { userId: string; purpose: TokenPurpose; lifetimeMs: number }[],
  ): Promise<string[]> {
    if (inputs.length === 0) return [];
    const now = this.clock.now();
    const tokens = inputs.map(() => randomToken() + randomToken());
    await tx.insert(userTokens).values(
      inputs.map((input, i) => ({
        id: randomUUID(),
        tokenHash: hashSecret(tokens[i]!),
        purpose: input.purpose,
        userId: input.userId,
        expiresAt: new Date(now.getTime() + input.lifetimeMs),
        createdAt: now,
      })),
    );
    return tokens;
  }

  /** Marks a token used; a used, expired or unknown token is gone (410). */
  async use(
    tx: Executor,
    token: string,
    purpose: TokenPurpose,
  ): Promise<{ user: UserRow; newEmail: string | null }> {
    const now = this.clock.now();
    const [row] = await tx
      .update(userTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(userTokens.tokenHash, hashSecret(token)),
          eq(userTokens.purpose, purpose),
          isNull(userTokens.usedAt),
        ),
      )
      .returning();
    if (!row || row.expiresAt.getTime() <= now.getTime()) {
      throw problems.gone("This link was already used or has expired. Ask for a new one.", {
        type: "link-expired",
      });
    }
    const [user] = await tx.select().from(users).where(eq(users.id, row.userId)).limit(1);
    if (!user) throw problems.gone("This account no longer exists.");
    this.logger.info({ userId: row.userId, purpose }, "single-use link redeemed");
    return { user, newEmail: row.newEmail };
  }

  /** Makes every unused link of a purpose stop working (a password change ends pending email changes). */
  async revoke(tx: Executor, userId: string, purpose: TokenPurpose): Promise<void> {
    await tx
      .update(userTokens)
      .set({ usedAt: this.clock.now() })
      .where(and(eq(userTokens.userId, userId), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt)));
  }
}
