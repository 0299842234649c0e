import type { Session } from "../auth/sessions.js";
import type { Role, User } from "../types.js";

/** The Hono environment of every Lectern route: what the core's middleware puts on the context. */
export interface LecternEnv {
  Variables: {
    requestId: string;
    user: User | null;
    session: Session | null;
    /** How the session arrived; cookie requests that change state must be same-origin. */
    authVia: "cookie" | "bearer" | null;
    /** Permission name → roles holding it, from every installed plugin. */
    permissions: ReadonlyMap<string, readonly Role[]>;
    /** The client's address, as the server sees it (or as the trusted proxy says). */
    clientAddress: string;
    /** Whether the client reached us over HTTPS (directly, through a trusted proxy, or per publicUrl). */
    secure: boolean;
  };
}
