/** An institution's look. Every colour shade, radius and font in the site derives from these tokens. */
export interface Branding {
  name: string;
  /** An image URL (e.g. `/logo.svg` in `public/`); without one the site draws a monogram. */
  logoUrl: string | null;
  /** Any CSS colour with at least 4.5:1 contrast against white (buttons carry white text on it). */
  primaryColor: string;
  tagline: string;
}

export const DEFAULT_BRANDING: Branding = {
  name: "Lectern Campus",
  logoUrl: null,
  primaryColor: "#4338ca",
  tagline: "Learn from real instructors, at your own pace, and earn certificates anyone can verify.",
};

export function defineBranding(
  overrides: Partial<{ [K in keyof Branding]: Branding[K] | undefined }>,
): Branding {
  const picked = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined && v !== ""));
  return { ...DEFAULT_BRANDING, ...picked };
}

/** The `:root` declarations that rebrand the site; CSS-escaped so a config value cannot break out. */
export function brandingCss(branding: Branding): string {
  const colour = /^[#a-zA-Z0-9(),.%\s-]+$/.test(branding.primaryColor)
    ? branding.primaryColor
    : DEFAULT_BRANDING.primaryColor;
  return `:root{--brand-primary:${colour};}`;
}
