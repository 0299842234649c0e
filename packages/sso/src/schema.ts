import { timestamptz, users } from "@lectern/core";
import { index, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/** Which provider account signs in as which Lectern user: the provider's `sub`, never the email alone. */
export const identities = pgTable(
  "sso_identities",
  {
    id: uuid("id").primaryKey(),
    provider: text("provider").notNull(),
    subject: text("subject").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The verified email the provider last vouched for. */
    email: text("email").notNull(),
    linkedAt: timestamptz("linked_at").notNull(),
    lastSignInAt: timestamptz("last_sign_in_at").notNull(),
  },
  (t) => [
    uniqueIndex("sso_identities_provider_subject_key").on(t.provider, t.subject),
    index("sso_identities_user_idx").on(t.userId),
  ],
);

/**
 * A sign-in started in a browser and not yet finished: the browser holds a random token in a
 * cookie, only its SHA-256 is kept here. A flow is used once and lives ten minutes.
 */
export const flows = pgTable(
  "sso_flows",
  {
    id: uuid("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    provider: text("provider").notNull(),
    state: text("state").notNull(),
    nonce: text("nonce").notNull(),
    /** PKCE's secret half; useless without the provider's code, which only the browser receives. */
    codeVerifier: text("code_verifier").notNull(),
    returnTo: text("return_to").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (t) => [
    uniqueIndex("sso_flows_token_hash_key").on(t.tokenHash),
    index("sso_flows_expires_idx").on(t.expiresAt),
  ],
);
