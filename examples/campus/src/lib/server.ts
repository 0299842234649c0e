import type { AstroGlobal } from "astro";
import { type Api, createApi, LecternApiError, signInUrl } from "./api";
import { DEFAULT_BRANDING } from "./branding";
import { defaultInstitution, type Institution } from "./institution";
import type { Role, User } from "./types";

/** The API for server-side rendering: in-process when server.ts mounted us, else over HTTP. */
export function serverApi(astro: Pick<AstroGlobal, "locals" | "url">): Api {
  const local = astro.locals.lecternFetch;
  const baseUrl = local ? astro.url.origin : (process.env.LECTERN_URL ?? astro.url.origin);
  return createApi({ baseUrl, fetch: local });
}

export function brandingOf(astro: Pick<AstroGlobal, "locals">) {
  return astro.locals.branding ?? DEFAULT_BRANDING;
}

/** The institution pages' content: configured, or the defaults under the campus's name. */
export function institutionOf(astro: Pick<AstroGlobal, "locals">): Institution {
  return astro.locals.institution ?? defaultInstitution(brandingOf(astro).name);
}

export async function currentUser(api: Api): Promise<User | null> {
  try {
    const { user } = await api.get<{ user: User }>("/api/auth/me", { allowAnonymous: true });
    return user;
  } catch (error) {
    if (error instanceof LecternApiError && error.status === 401) return null;
    throw error;
  }
}

export type Guard = { user: User; api: Api } | { redirect: string } | { forbidden: User };

/** Who may see a dashboard page: signed out → the sign-in dialog, then back here; wrong role → 403. */
export async function guard(astro: Pick<AstroGlobal, "locals" | "url">, role: Role): Promise<Guard> {
  const api = serverApi(astro);
  const user = await currentUser(api);
  if (!user) return { redirect: signInUrl(role, astro.url.pathname + astro.url.search) };
  if (user.role !== role) return { forbidden: user };
  return { user, api };
}

export function homeOf(role: Role): string {
  return `/${role}`;
}

/** A plugin route that may not exist yet: a problem becomes data for an error state, not a crash. */
export async function attempt<T>(
  load: () => Promise<T>,
): Promise<{ data: T } | { problem: import("./api").Problem }> {
  try {
    return { data: await load() };
  } catch (error) {
    if (error instanceof LecternApiError) return { problem: error.problem };
    throw error;
  }
}
