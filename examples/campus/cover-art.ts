import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import satori from "satori";
import { type CoverInput, type Subject, subjectOf } from "./src/lib/covers.js";

/**
 * A course cover drawn when the instructor uploaded none: the title, the subject's pattern and
 * illustration, in the campus's primary colour. Satori lays it out and draws the text as paths, so
 * the SVG looks the same in every browser without any font.
 */

export const COVER_WIDTH = 640;
export const COVER_HEIGHT = 360;

interface Node {
  type: string;
  props: Record<string, unknown> & { style?: Record<string, unknown>; children?: unknown };
}

const h = (type: string, props: Node["props"], ...children: unknown[]): Node => ({
  type,
  props: { ...props, children: children.length === 1 ? children[0] : children },
});

const require = createRequire(import.meta.url);
// Satori reads WOFF, not WOFF2. Latin and Latin Extended: the alphabets course titles here use.
const fonts = (["latin", "latin-ext"] as const).map((subset) => ({
  name: subset === "latin" ? "Inter" : "Inter Ext",
  data: readFileSync(require.resolve(`@fontsource/inter/files/inter-${subset}-600-normal.woff`)),
  weight: 600 as const,
  style: "normal" as const,
}));

/** Each subject's background pattern, drawn in translucent white over the colour. */
const PATTERNS: Record<Subject, Record<string, string>> = {
  code: {
    backgroundImage:
      "linear-gradient(rgba(255,255,255,0.09) 1px, transparent 1px), linear-gradient(90deg, rgba(255,255,255,0.09) 1px, transparent 1px)",
    backgroundSize: "32px 32px",
  },
  data: {
    backgroundImage: "radial-gradient(circle, rgba(255,255,255,0.16) 2px, transparent 2.5px)",
    backgroundSize: "24px 24px",
  },
  design: {
    backgroundImage:
      "radial-gradient(circle at 85% 15%, rgba(255,255,255,0.18) 0, rgba(255,255,255,0.18) 90px, transparent 91px)",
    backgroundSize: "640px 360px",
  },
  language: {
    backgroundImage: "linear-gradient(rgba(255,255,255,0.1) 1px, transparent 1px)",
    backgroundSize: "40px 36px",
  },
  business: {
    backgroundImage: "linear-gradient(90deg, rgba(255,255,255,0.08) 2px, transparent 2px)",
    backgroundSize: "48px 48px",
  },
  science: {
    backgroundImage:
      "radial-gradient(circle, transparent 10px, rgba(255,255,255,0.12) 11px, transparent 12px)",
    backgroundSize: "44px 44px",
  },
  general: {
    backgroundImage: "radial-gradient(circle, rgba(255,255,255,0.12) 1.5px, transparent 2px)",
    backgroundSize: "20px 20px",
  },
};

/** Each subject's illustration: a few strokes in a 100 × 100 box, drawn large in the corner. */
const ILLUSTRATIONS: Record<Subject, string> = {
  code: "M34 24 L10 50 L34 76 M66 24 L90 50 L66 76 M58 14 L42 86",
  data: "M12 88 H92 M22 88 V56 M42 88 V30 M62 88 V46 M82 88 V14",
  design: "M50 12 A38 38 0 1 0 50.1 12 M50 34 L70 68 H30 Z",
  language: "M14 20 H86 V64 H46 L28 82 V64 H14 Z M30 36 H70 M30 50 H58",
  business: "M10 84 L38 56 L56 70 L90 30 M68 30 H90 V52",
  science: "M38 12 H62 M44 12 V40 L18 84 H82 L56 40 V12 M30 66 H70",
  general:
    "M50 22 C38 14 22 14 10 18 V82 C22 78 38 78 50 86 C62 78 78 78 90 82 V18 C78 14 62 14 50 22 Z M50 22 V86",
};

function hexToHsl(hex: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const digits = m[1]!.length === 3 ? [...m[1]!].map((d) => d + d).join("") : m[1]!;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(digits.slice(i, i + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l * 100];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const hue = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [hue * 60, s * 100, l * 100];
}

/** Two stops of the primary colour; subjects turn the hue a little so neighbouring cards differ. */
const HUE_TURN: Record<Subject, number> = {
  code: 0,
  data: 28,
  design: -32,
  language: 48,
  business: -16,
  science: 16,
  general: 8,
};

function background(primary: string, subject: Subject): string {
  const hsl = hexToHsl(primary);
  // Not a hex colour: the colour as given, darkened towards a corner by a translucent black.
  if (!hsl) return `linear-gradient(135deg, ${primary} 0%, ${primary} 55%, rgba(0,0,0,0.35) 100%)`;
  const [hue, sat, light] = hsl;
  const turned = (hue + HUE_TURN[subject] + 360) % 360;
  // Stays at or below the primary's own lightness: the branding promises white text reads on it.
  const to = `hsl(${turned.toFixed(0)} ${Math.min(sat + 5, 95).toFixed(0)}% ${Math.max(light - 12, 14).toFixed(0)}%)`;
  return `linear-gradient(135deg, ${primary} 0%, ${to} 100%)`;
}

/** The cover as an SVG document. */
export async function renderCoverSvg(input: CoverInput): Promise<string> {
  const subject = subjectOf(input.tags);
  const label = input.tags[0]?.replace(/-/g, " ") ?? "";
  const title = input.title.length > 90 ? `${input.title.slice(0, 88).trimEnd()}…` : input.title;
  const tree = h(
    "div",
    {
      style: {
        width: COVER_WIDTH,
        height: COVER_HEIGHT,
        display: "flex",
        position: "relative",
        backgroundImage: background(input.primaryColor, subject),
        fontFamily: "Inter, Inter Ext",
        color: "white",
      },
    },
    h("div", {
      style: {
        position: "absolute",
        left: 0,
        top: 0,
        width: COVER_WIDTH,
        height: COVER_HEIGHT,
        ...PATTERNS[subject],
      },
    }),
    h(
      "svg",
      {
        width: 220,
        height: 220,
        viewBox: "0 0 100 100",
        style: { position: "absolute", right: 28, top: 30 },
      },
      h("path", {
        d: ILLUSTRATIONS[subject],
        fill: "none",
        stroke: "rgba(255,255,255,0.28)",
        "stroke-width": 6,
        "stroke-linecap": "round",
        "stroke-linejoin": "round",
      }),
    ),
    h(
      "div",
      {
        style: {
          position: "absolute",
          left: 40,
          right: 40,
          bottom: 36,
          top: 36,
          display: "flex",
          flexDirection: "column",
          justifyContent: "space-between",
        },
      },
      label
        ? h(
            "div",
            {
              style: {
                display: "flex",
                alignSelf: "flex-start",
                padding: "6px 14px",
                borderRadius: 999,
                backgroundColor: "rgba(0,0,0,0.22)",
                fontSize: 18,
                letterSpacing: 1.5,
                textTransform: "uppercase",
              },
            },
            label,
          )
        : h("div", { style: { display: "flex" } }),
      h(
        "div",
        {
          style: {
            display: "flex",
            maxWidth: 520,
            fontSize: title.length > 48 ? 36 : 44,
            lineHeight: 1.15,
            letterSpacing: -0.5,
            lineClamp: 3,
          },
        },
        title,
      ),
    ),
  );
  const svg = await satori(tree as unknown as Parameters<typeof satori>[0], {
    width: COVER_WIDTH,
    height: COVER_HEIGHT,
    fonts,
  });
  // Satori closes each glyph contour with a line to the point it is already at; dropping those
  // zero-length lines trims about a tenth of the bytes and changes no pixel.
  return svg.replace(/(?<![\d.])(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)L\1 \2(?![\d.])/g, "$1 $2");
}
