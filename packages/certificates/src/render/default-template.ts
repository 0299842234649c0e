import { SANS, SERIF } from "./fonts.js";
import { type CertificateData, type CertificateElement, h, type TemplateKit } from "./model.js";

const INK = "#2b2b2b";
const MUTED = "#6b6b6b";
const PAPER = "#fdfbf6";
const GOLD = "#b08d3c";

// Page geometry in px of the 1123 × 794 canvas (A4 landscape at 96 dpi).
const FRAME = 22;
const BAND = 10;
const CONTENT_WIDTH = 840;
const NAME_HEIGHT = 132;

function initials(name: string): string {
  const words = name.split(/\s+/).filter((w) => /^\p{Lu}/u.test(w));
  return (words.length > 0 ? words : name.split(/\s+/))
    .slice(0, 3)
    .map((w) => [...w][0])
    .join("");
}

function corner(accent: string, position: Record<string, number>): CertificateElement {
  return h("div", {
    style: {
      position: "absolute",
      ...position,
      width: 18,
      height: 18,
      transform: "rotate(45deg)",
      backgroundColor: accent,
      border: `3px solid ${PAPER}`,
    },
  });
}

function emblem(data: CertificateData, accent: string): CertificateElement {
  const { logoDataUri, name, primaryColor } = data.institution;
  if (logoDataUri)
    return h("img", { src: logoDataUri, height: 72, style: { height: 72, objectFit: "contain" } });
  return h(
    "div",
    {
      style: {
        display: "flex",
        alignItems: "center",
        justifyContent: "center",
        width: 72,
        height: 72,
        borderRadius: 36,
        backgroundColor: primaryColor,
        border: `3px solid ${accent}`,
        color: PAPER,
        fontFamily: SERIF,
        fontWeight: 700,
        fontSize: 24,
      },
    },
    initials(name),
  );
}

function rule(accent: string, width: number): CertificateElement {
  return h(
    "div",
    { style: { display: "flex", alignItems: "center", width } },
    h("div", { style: { flexGrow: 1, height: 1, backgroundColor: accent } }),
    h("div", {
      style: { width: 8, height: 8, margin: "0 10px", transform: "rotate(45deg)", backgroundColor: accent },
    }),
    h("div", { style: { flexGrow: 1, height: 1, backgroundColor: accent } }),
  );
}

function signatory(
  signer: CertificateData["signatories"][number],
  width: number,
  kit: TemplateKit,
): CertificateElement {
  const name = kit.fitText(signer.name, {
    width,
    height: 20,
    lineHeight: 1.2,
    maxLines: 1,
    maxSize: 15,
    minSize: 9,
    family: SANS,
    weight: 700,
  });
  return h(
    "div",
    { style: { display: "flex", flexDirection: "column", alignItems: "center", width } },
    h(
      "div",
      { style: { display: "flex", alignItems: "flex-end", justifyContent: "center", height: 52, width } },
      signer.signatureDataUri
        ? h("img", { src: signer.signatureDataUri, height: 48, style: { height: 48, objectFit: "contain" } })
        : null,
    ),
    h("div", { style: { width, height: 1, backgroundColor: INK, marginBottom: 6 } }),
    h(
      "div",
      { style: { fontFamily: SANS, fontWeight: 700, fontSize: name.fontSize, color: INK, height: 20 } },
      name.lines[0] ?? "",
    ),
    h(
      "div",
      { style: { fontFamily: SANS, fontSize: 11, color: MUTED, marginTop: 2, textAlign: "center" } },
      signer.title,
    ),
  );
}

function seal(accent: string, year: string): CertificateElement {
  return h(
    "div",
    {
      style: {
        display: "flex",
        alignItems: "center",
        justifyContent: "center",
        width: 104,
        height: 104,
        borderRadius: 52,
        backgroundColor: accent,
      },
    },
    h(
      "div",
      {
        style: {
          display: "flex",
          flexDirection: "column",
          alignItems: "center",
          justifyContent: "center",
          width: 88,
          height: 88,
          borderRadius: 44,
          border: `1.5px solid ${PAPER}`,
          color: PAPER,
        },
      },
      h("div", { style: { fontFamily: SANS, fontWeight: 700, fontSize: 8, letterSpacing: 2 } }, "AWARDED"),
      h("div", { style: { fontFamily: SERIF, fontWeight: 700, fontSize: 24, lineHeight: 1.1 } }, year),
      h("div", { style: { fontFamily: SANS, fontWeight: 700, fontSize: 8, letterSpacing: 2 } }, "VERIFIED"),
    ),
  );
}

const FOOTER_SIDE = 440;

/** The built-in certificate: framed A4 landscape page, name shrunk to fit, signatures, QR and code. */
export function defaultTemplate(data: CertificateData, kit: TemplateKit): CertificateElement {
  const primary = data.institution.primaryColor;
  const accent = data.institution.accentColor ?? GOLD;
  const holder = kit.fitText(data.holderName, {
    width: CONTENT_WIDTH,
    height: NAME_HEIGHT,
    lineHeight: 1.2,
    maxLines: 4,
    maxSize: 54,
    minSize: 18,
    family: SERIF,
    weight: 700,
  });
  const course = kit.fitText(data.courseTitle, {
    width: CONTENT_WIDTH - 80,
    height: 64,
    lineHeight: 1.25,
    maxLines: 2,
    maxSize: 26,
    minSize: 13,
    family: SERIF,
    weight: 400,
    style: "italic",
  });
  const institution = kit.fitText(data.institution.name.toUpperCase(), {
    width: CONTENT_WIDTH,
    height: 24,
    lineHeight: 1.2,
    maxLines: 1,
    maxSize: 17,
    minSize: 10,
    family: SANS,
    weight: 700,
  });
  const inset = FRAME + BAND + 8;
  const signers = data.signatories.slice(0, 3);
  const signerWidth = Math.min(200, (FOOTER_SIDE - 20 * (signers.length - 1)) / Math.max(1, signers.length));
  const year = new Intl.DateTimeFormat("en", { year: "numeric", timeZone: data.timeZone ?? "UTC" }).format(
    data.issuedAt,
  );

  return h(
    "div",
    {
      style: {
        display: "flex",
        width: kit.width,
        height: kit.height,
        backgroundColor: PAPER,
        position: "relative",
        fontFamily: SERIF,
        color: INK,
      },
    },
    // Frame: a solid band in the institution's colour, a fine accent line inside it, ornaments at the corners.
    h("div", {
      style: {
        position: "absolute",
        left: FRAME,
        top: FRAME,
        // Satori sizes boxes without their borders.
        width: kit.width - 2 * FRAME - 2 * BAND,
        height: kit.height - 2 * FRAME - 2 * BAND,
        border: `${BAND}px solid ${primary}`,
      },
    }),
    h("div", {
      style: {
        position: "absolute",
        left: inset,
        top: inset,
        width: kit.width - 2 * inset - 3,
        height: kit.height - 2 * inset - 3,
        border: `1.5px solid ${accent}`,
      },
    }),
    corner(accent, { left: inset - 9, top: inset - 9 }),
    corner(accent, { right: inset - 9, top: inset - 9 }),
    corner(accent, { left: inset - 9, bottom: inset - 9 }),
    corner(accent, { right: inset - 9, bottom: inset - 9 }),
    h(
      "div",
      {
        style: {
          position: "absolute",
          left: inset + 20,
          top: inset + 22,
          width: kit.width - 2 * inset - 40,
          height: kit.height - 2 * inset - 44,
          display: "flex",
          flexDirection: "column",
          alignItems: "center",
        },
      },
      emblem(data, accent),
      h(
        "div",
        {
          style: {
            fontFamily: SANS,
            fontWeight: 700,
            fontSize: institution.fontSize,
            letterSpacing: 3,
            color: primary,
            marginTop: 12,
          },
        },
        institution.lines[0] ?? "",
      ),
      h(
        "div",
        { style: { fontSize: 46, fontWeight: 700, letterSpacing: 6, color: primary, marginTop: 14 } },
        "CERTIFICATE",
      ),
      h(
        "div",
        { style: { fontSize: 19, fontStyle: "italic", color: accent, letterSpacing: 2, marginTop: -2 } },
        "of Completion",
      ),
      h(
        "div",
        { style: { fontSize: 16, fontStyle: "italic", color: MUTED, marginTop: 20 } },
        "This is to certify that",
      ),
      h(
        "div",
        {
          style: {
            display: "flex",
            flexDirection: "column",
            alignItems: "center",
            justifyContent: "center",
            width: CONTENT_WIDTH,
            height: NAME_HEIGHT,
            overflow: "hidden",
          },
        },
        ...holder.lines.map((line) =>
          h(
            "div",
            {
              style: {
                fontSize: holder.fontSize,
                lineHeight: 1.2,
                fontWeight: 700,
                color: primary,
                whiteSpace: "nowrap",
              },
            },
            line,
          ),
        ),
      ),
      rule(accent, 520),
      h(
        "div",
        { style: { fontSize: 16, fontStyle: "italic", color: MUTED, marginTop: 14 } },
        "has successfully completed the course",
      ),
      h(
        "div",
        {
          style: {
            display: "flex",
            flexDirection: "column",
            alignItems: "center",
            height: 66,
            justifyContent: "center",
          },
        },
        ...course.lines.map((line) =>
          h(
            "div",
            {
              style: {
                fontSize: course.fontSize,
                lineHeight: 1.25,
                fontStyle: "italic",
                color: INK,
                whiteSpace: "nowrap",
              },
            },
            line,
          ),
        ),
      ),
      h("div", { style: { fontFamily: SANS, fontSize: 14, color: MUTED } }, `Awarded on ${kit.issuedOn}`),
      // Footer: signatures left, a seal in the middle of the page, the verification QR and code right.
      h(
        "div",
        { style: { display: "flex", width: "100%", marginTop: "auto", alignItems: "flex-end" } },
        h(
          "div",
          { style: { display: "flex", width: FOOTER_SIDE, gap: 20 } },
          ...signers.map((s) => signatory(s, signerWidth, kit)),
        ),
        h("div", { style: { display: "flex", flexGrow: 1, justifyContent: "center" } }, seal(accent, year)),
        h(
          "div",
          {
            style: {
              display: "flex",
              width: FOOTER_SIDE,
              alignItems: "center",
              justifyContent: "flex-end",
              gap: 12,
            },
          },
          h(
            "div",
            { style: { display: "flex", flexDirection: "column", alignItems: "flex-end" } },
            h(
              "div",
              { style: { fontFamily: SANS, fontSize: 10, color: MUTED, letterSpacing: 1.5 } },
              "VERIFICATION CODE",
            ),
            h(
              "div",
              {
                style: {
                  fontFamily: SANS,
                  fontWeight: 700,
                  fontSize: 15,
                  color: INK,
                  letterSpacing: 1.5,
                  marginTop: 2,
                },
              },
              data.code,
            ),
            h(
              "div",
              { style: { fontFamily: SANS, fontSize: 10, color: MUTED, marginTop: 4 } },
              "Scan to verify online",
            ),
          ),
          h("img", { src: kit.qrDataUri, width: 92, height: 92, style: { width: 92, height: 92 } }),
        ),
      ),
    ),
  );
}
