import { ICONS, type IconName } from "../../lib/icons";

export function Icon({ name, className = "h-5 w-5" }: { name: IconName; className?: string }) {
  return (
    <svg
      className={className}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: static icon markup from lib/icons.ts
      dangerouslySetInnerHTML={{ __html: ICONS[name] }}
    />
  );
}
