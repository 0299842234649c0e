import { useEffect, useState } from "react";
import { api } from "../../lib/api";

export interface SsoProviders {
  items: { id: string; name: string; startUrl: string }[];
  passwordSignIn: boolean;
}

/** What a person reads when the provider's sign-in came back refused (`?sso_error=<slug>`). */
const SSO_ERRORS: Record<string, string> = {
  "sso-email-unverified":
    "Your institution did not confirm your email address, so we could not sign you in. Verify it with your institution first.",
  "sso-domain-not-allowed":
    "This campus only accepts accounts of its own institution. Sign in with that account.",
  "sso-denied": "The sign-in was cancelled. Try again when you are ready.",
  "provider-failed": "Your institution's sign-in service did not answer. Try again in a few minutes.",
};

export function ssoErrorMessage(slug: string | null): string | null {
  if (!slug) return null;
  return SSO_ERRORS[slug] ?? "We could not finish signing you in with your institution. Please start again.";
}

/** The providers the campus offers, or none when single sign-on is not installed. */
export function useSsoProviders(): SsoProviders | null {
  const [providers, setProviders] = useState<SsoProviders | null>(null);
  useEffect(() => {
    api()
      .get<SsoProviders>("/api/sso/providers", { allowAnonymous: true })
      .then(setProviders)
      .catch(() => setProviders(null));
  }, []);
  return providers;
}

/** One "Sign in with <institution>" link per provider: a full navigation to the provider and back. */
export function SsoButtons({ providers, next }: { providers: SsoProviders; next: string | null }) {
  if (providers.items.length === 0) return null;
  const returnTo = encodeURIComponent(next ?? "/dashboard");
  return (
    <div className="mb-5 space-y-2">
      {providers.items.map((provider) => (
        <a
          key={provider.id}
          href={`${provider.startUrl}?returnTo=${returnTo}`}
          className="btn-secondary w-full justify-center py-3"
          data-testid="sso-button"
        >
          Sign in with {provider.name}
        </a>
      ))}
      {providers.passwordSignIn && (
        <p className="pt-2 text-center text-xs uppercase tracking-wide text-subtle">or with your password</p>
      )}
    </div>
  );
}
