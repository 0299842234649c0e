import { inflateSync } from "node:zlib";
import { Resvg } from "@resvg/resvg-js";
import jsQR from "jsqr";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { describe, expect, it, vi } from "vitest";
import { UnsupportedScriptError } from "./fonts.js";
import { type CertificateData, type CertificateTemplate, h } from "./model.js";
import {
  PAGE_HEIGHT,
  PAGE_WIDTH,
  renderCertificatePdf,
  renderCertificatePng,
  renderCertificateSvg,
} from "./render.js";

// Rendering and RSA key generation take seconds when CI shares its cores.
vi.setConfig({ testTimeout: 30_000 });

const certificate: CertificateData = {
  institution: { name: "Northfield Institute of Technology", primaryColor: "#1f3a5f" },
  signatories: [{ name: "Dr. Margaret Okafor", title: "Dean of Continuing Education" }],
  holderName: "Zoë Ñúñez-Øberg",
  courseTitle: "Foundations of Data Engineering",
  issuedAt: new Date("2025-06-14T22:30:00Z"),
  timeZone: "Europe/Berlin",
  code: "7KQ2-M9XD-4HRT",
  verifyUrl: "https://campus.example.org/verify/7KQ2-M9XD-4HRT",
};

const LONG_NAME =
  "María Fernanda de los Ángeles Guadalupe Concepción Rodríguez-Hernández y Villaseñor de la Santísima " +
  "Trinidad Alcántara Montenegro Etxeberria Sánchez-Vicario Castellanos Borbón y Übermüller-Łukasiewicz";

async function pdfText(pdf: Buffer) {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((item) => ("str" in item ? item.str : "")).join("");
  return { pages: doc.numPages, size: page.view.slice(2), text };
}

/** Rasterises page 1 with pdf.js (on @napi-rs/canvas) and reads the QR code on it, as a phone would. */
async function qrInPdf(pdf: Buffer): Promise<string | undefined> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const page = await doc.getPage(1);
  const viewport = page.getViewport({ scale: 2 });
  // pdf.js types its Node canvas factory as a bare Object.
  const factory = doc.canvasFactory as {
    create(width: number, height: number): { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D };
  };
  const { canvas, context } = factory.create(viewport.width, viewport.height);
  await page.render({ canvasContext: context, viewport }).promise;
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(image.data, image.width, image.height)?.data;
}

function decodePng(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return { width, height, scanlines: inflateSync(Buffer.concat(idat)) };
}

describe("certificate PDF", () => {
  for (const route of ["vector", "raster"] as const) {
    it(`is a valid one-page A4 landscape PDF whose text has the holder's name (${route})`, async () => {
      const pdf = await renderCertificatePdf(certificate, { route });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      const { pages, size, text } = await pdfText(pdf);
      expect(pages).toBe(1);
      expect(size[0]).toBeCloseTo(841.89, 1);
      expect(size[1]).toBeCloseTo(595.28, 1);
      expect(text).toContain("Zoë Ñúñez-Øberg");
      expect(text).toContain("Foundations of Data Engineering");
      expect(text).toContain("7KQ2-M9XD-4HRT");
      // The date is the institution's: 22:30 UTC is already the 15th in Berlin.
      expect(text).toContain("15 June 2025");
    });
  }

  for (const route of ["vector", "raster"] as const) {
    it(`carries a QR code that reads as the verification URL (${route})`, async () => {
      expect(await qrInPdf(await renderCertificatePdf(certificate, { route }))).toBe(certificate.verifyUrl);
    });
  }

  it("embeds an institution's SVG logo and PNG signature as images", async () => {
    const logo = `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80"><circle cx="40" cy="40" r="36" fill="#1f3a5f"/></svg>`;
    const signature = new Resvg(
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><path d="M5 40 C 40 0, 80 70, 195 20" stroke="#123" stroke-width="3" fill="none"/></svg>`,
    )
      .render()
      .asPng();
    const pdf = await renderCertificatePdf({
      ...certificate,
      institution: {
        ...certificate.institution,
        logoDataUri: `data:image/svg+xml;base64,${Buffer.from(logo).toString("base64")}`,
      },
      signatories: [
        {
          ...certificate.signatories[0]!,
          signatureDataUri: `data:image/png;base64,${signature.toString("base64")}`,
        },
      ],
    });
    // Each image with transparency is two XObjects: the colours and a soft mask.
    expect(pdf.toString("latin1").match(/\/Subtype \/Image/g)).toHaveLength(4);
    expect((await pdfText(pdf)).text).toContain("Zoë Ñúñez-Øberg");
  });

  it.each([
    ["Greek", "Αλέξανδρος Παπαδόπουλος"],
    ["Cyrillic", "Анна Каренина"],
    ["combining-mark", "Zoe\u0308 N\u0303un\u0303ez"],
  ])("keeps a %s name searchable", async (_, holderName) => {
    const { text } = await pdfText(await renderCertificatePdf({ ...certificate, holderName }));
    expect(text).toContain(holderName.normalize("NFC"));
  });
});

describe("certificate PNG", () => {
  it("decodes at the requested width with the A4 ratio", async () => {
    const { width, height, scanlines } = decodePng(await renderCertificatePng(certificate, { width: 800 }));
    expect(width).toBe(800);
    expect(height).toBe(Math.round((800 * PAGE_HEIGHT) / PAGE_WIDTH));
    expect(scanlines.length).toBe(height * (1 + width * 4));
  });

  it("carries a QR code that reads as the verification URL", async () => {
    const image = new Resvg(await renderCertificateSvg(certificate)).render();
    const qr = jsQR(new Uint8ClampedArray(image.pixels), image.width, image.height);
    expect(qr?.data).toBe(certificate.verifyUrl);
  });
});

describe("holder names", () => {
  it("of 200 characters shrink to stay inside the name's box, clear of the frame", async () => {
    expect(LONG_NAME).toHaveLength(200);
    const pixels = async (holderName: string) =>
      new Resvg(await renderCertificateSvg({ ...certificate, holderName })).render().pixels;
    const [blank, long] = await Promise.all([pixels(""), pixels(LONG_NAME)]);

    // Every pixel the name changed lies between the frame's inner lines and between the lines of
    // text above and below it, so it overflowed neither the page nor its neighbours.
    let box = { left: PAGE_WIDTH, right: 0, top: PAGE_HEIGHT, bottom: 0 };
    for (let i = 0; i < long.length; i += 4) {
      if (long.readUInt32LE(i) === blank.readUInt32LE(i)) continue;
      const x = (i / 4) % PAGE_WIDTH;
      const y = Math.floor(i / 4 / PAGE_WIDTH);
      box = {
        left: Math.min(box.left, x),
        right: Math.max(box.right, x),
        top: Math.min(box.top, y),
        bottom: Math.max(box.bottom, y),
      };
    }
    expect(box.right).toBeGreaterThan(box.left);
    // The template's name box is 840 px wide, centred.
    expect(box.left).toBeGreaterThanOrEqual((PAGE_WIDTH - 840) / 2);
    expect(box.right).toBeLessThanOrEqual((PAGE_WIDTH + 840) / 2);
    expect(box.top).toBeGreaterThan(318);
    expect(box.bottom).toBeLessThan(450);
  });

  it("in a script no font covers fail with the characters named, before anything is drawn", async () => {
    const error = await renderCertificatePdf({ ...certificate, holderName: "محمد علي" }).catch((e) => e);
    expect(error).toBeInstanceOf(UnsupportedScriptError);
    expect(error.characters).toEqual(expect.arrayContaining(["م", "ح", "د", "ع", "ل", "ي"]));
    expect(error.message).toContain("U+0645");
    await expect(renderCertificateSvg({ ...certificate, holderName: "Ana 🎓" })).rejects.toThrow(
      UnsupportedScriptError,
    );
  });

  it("in Chinese or Japanese use the CJK fallback font", async () => {
    const svg = await renderCertificateSvg({ ...certificate, holderName: "王小明 やまだ" });
    expect(svg.startsWith("<svg")).toBe(true);
    const { text } = await pdfText(await renderCertificatePdf({ ...certificate, holderName: "王小明" }));
    expect(text).toContain("王小明");
  });
});

describe("custom templates", () => {
  const plain: CertificateTemplate = (data, kit) =>
    h(
      "div",
      { style: { display: "flex", flexDirection: "column", width: kit.width, height: kit.height } },
      h("div", null, `${data.holderName} — ${data.courseTitle}`),
      h("img", { src: kit.qrDataUri, width: 100, height: 100 }),
    );

  it("replace the built-in layout", async () => {
    const svg = await renderCertificateSvg(certificate, { template: plain });
    expect(svg).toContain(`width="${PAGE_WIDTH}"`);
    const { text } = await pdfText(await renderCertificatePdf(certificate, { template: plain }));
    expect(text).toContain("Zoë Ñúñez-Øberg");
  });

  it("have their own text checked for coverage too", async () => {
    const arabic: CertificateTemplate = async (data, kit) =>
      h("div", { style: { display: "flex" } }, "شهادة", await plain(data, kit));
    await expect(renderCertificateSvg(certificate, { template: arabic })).rejects.toThrow(
      UnsupportedScriptError,
    );
  });
});
