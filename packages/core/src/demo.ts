import type { AuthService } from "./auth/service.js";
import type { Role } from "./types.js";

export const DEMO_PASSWORD = "lectern-demo";

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: "admin@example.com", name: "Ada Admin", role: "admin" },
  { email: "instructor@example.com", name: "Ivan Instructor", role: "instructor" },
  { email: "student@example.com", name: "Sofia Student", role: "student" },
];

/** Creates the demo accounts that are missing; safe to run again. */
export async function seedDemoAccounts(auth: AuthService): Promise<void> {
  for (const account of DEMO_ACCOUNTS) {
    if (await auth.findUserByEmail(account.email)) continue;
    await auth.createUser({ ...account, password: DEMO_PASSWORD });
  }
}
