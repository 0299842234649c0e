import { Resvg } from "@resvg/resvg-js";
import PDFDocument from "pdfkit";
import satori from "satori";
import SVGtoPDF from "svg-to-pdfkit";
import { defaultTemplate } from "./default-template.js";
import { fitText } from "./fit.js";
import { faceFor, type LoadedFont, resolveFontsFor } from "./fonts.js";
import type { CertificateData, CertificateElement, CertificateNode, CertificateTemplate } from "./model.js";
import { qrCodeDataUri } from "./qr.js";

/** Canvas of the layout: A4 landscape at 96 dpi. */
export const PAGE_WIDTH = 1123;
export const PAGE_HEIGHT = 794;
// A4 landscape in PDF points.
const PDF_WIDTH = 841.89;
const PDF_HEIGHT = 595.28;

export interface RenderOptions {
  /** An institution's own layout; the built-in one when omitted. */
  template?: CertificateTemplate;
}

export interface PdfOptions extends RenderOptions {
  /**
   * "vector" (default) converts satori's SVG paths to PDF paths; "raster" embeds a PNG `rasterWidth` px wide (2339, 200 dpi).
   * See docs/certificates/rendering.md for the measurements behind the default.
   */
  route?: "vector" | "raster";
  rasterWidth?: number;
}

function normalise(data: CertificateData): CertificateData {
  // NFC so "Zoë" typed with a combining diaeresis uses the precomposed glyph every font has.
  const nfc = (s: string) => s.normalize("NFC").trim();
  return {
    ...data,
    holderName: nfc(data.holderName),
    courseTitle: nfc(data.courseTitle),
    institution: { ...data.institution, name: nfc(data.institution.name) },
    signatories: data.signatories.map((s) => ({ ...s, name: nfc(s.name), title: nfc(s.title) })),
  };
}

function formatDate(data: CertificateData): string {
  return new Intl.DateTimeFormat(data.locale ?? "en-GB", {
    dateStyle: "long",
    timeZone: data.timeZone ?? "UTC",
  }).format(data.issuedAt);
}

function textsOf(node: CertificateNode | CertificateNode[], out: string[] = []): string[] {
  if (Array.isArray(node)) for (const child of node) textsOf(child, out);
  else if (typeof node === "string" || typeof node === "number") out.push(String(node));
  else if (node) textsOf(node.props.children, out);
  return out;
}

interface Layout {
  data: CertificateData;
  element: CertificateElement;
  fonts: LoadedFont[];
  issuedOn: string;
  qrDataUri: string;
}

async function layout(input: CertificateData, options: RenderOptions): Promise<Layout> {
  const data = normalise(input);
  const issuedOn = formatDate(data);
  // Check the data's own text first, so an unsupported name fails before any work and fitText measures with the right faces.
  const dataFonts = resolveFontsFor([
    data.holderName,
    data.courseTitle,
    data.institution.name,
    data.institution.name.toUpperCase(),
    data.code,
    issuedOn,
    ...data.signatories.flatMap((s) => [s.name, s.title]),
  ]);
  const template = options.template ?? defaultTemplate;
  const qrDataUri = await qrCodeDataUri(data.verifyUrl);
  const element = await template(data, {
    width: PAGE_WIDTH,
    height: PAGE_HEIGHT,
    qrDataUri,
    issuedOn,
    fitText: (text, box) => fitText(dataFonts, text, box),
  });
  // A custom template may add text of its own: check everything that will actually be drawn.
  const fonts = resolveFontsFor(textsOf(element));
  return { data, element, fonts, issuedOn, qrDataUri };
}

async function svgOf({ element, fonts }: Layout): Promise<string> {
  return satori(element as unknown as Parameters<typeof satori>[0], {
    width: PAGE_WIDTH,
    height: PAGE_HEIGHT,
    fonts,
  });
}

/** The certificate as an SVG string; all text is drawn as paths, so it needs no fonts to display. */
export async function renderCertificateSvg(
  data: CertificateData,
  options: RenderOptions = {},
): Promise<string> {
  return svgOf(await layout(data, options));
}

function rasterise(svg: string, width: number): Buffer {
  return new Resvg(svg, { fitTo: { mode: "width", value: width }, font: { loadSystemFonts: false } })
    .render()
    .asPng();
}

/** A PNG preview `width` px wide (height follows the A4 ratio). */
export async function renderCertificatePng(
  data: CertificateData,
  options: RenderOptions & { width?: number } = {},
): Promise<Buffer> {
  return rasterise(await renderCertificateSvg(data, options), options.width ?? PAGE_WIDTH);
}

// svg-to-pdfkit cannot open SVG images (SVG logos, signatures); PDFKit opens PNG and JPEG data URIs itself.
const SVG_DATA_URI = /^data:image\/svg\+xml(;base64)?,/;
function imageForPdf(href: string): string | Buffer {
  const match = SVG_DATA_URI.exec(href);
  if (!match) return href;
  const payload = href.slice(match[0].length);
  const svg = match[1] ? Buffer.from(payload, "base64").toString("utf8") : decodeURIComponent(payload);
  // 300 px across an image about an inch wide is print resolution; more only slows PDFKit's PNG decoding.
  return rasterise(svg, 300);
}

/**
 * Puts our own QR code's SVG inline as a nested <svg>, so the PDF draws it as vector squares.
 * Institutions' SVG images stay images: svg-to-pdfkit may not handle everything such files use.
 */
function inlineQrCode(svg: string, qrDataUri: string): string {
  const qr = Buffer.from(qrDataUri.slice(qrDataUri.indexOf(",") + 1), "base64").toString("utf8");
  return svg.replace(
    /<image ([^>]*?)href="([^"]*)"([^>]*?)\/>/g,
    (image, before: string, href, after: string) => {
      if (href !== qrDataUri) return image;
      // Clip and mask are in the page's coordinates: keep them on a group around the nested viewport.
      const attributes = `${before}${after}`;
      const clipping = attributes.match(/(clip-path|mask)="[^"]*"/g)?.join(" ") ?? "";
      const viewport = attributes.replace(/(clip-path|mask)="[^"]*"/g, "");
      return `<g ${clipping}>${qr.replace(/^<svg\b/, `<svg ${viewport}`)}</g>`;
    },
  );
}

/**
 * Writes the certificate's words as invisible text (render mode 3, as OCR layers do), so that the
 * PDF is searchable and readable by screen readers although the visible text is paths or pixels.
 */
function addTextLayer(doc: PDFKit.PDFDocument, { data, fonts, issuedOn }: Layout): void {
  const lines = [
    data.institution.name,
    `Certificate of Completion: ${data.holderName}`,
    data.courseTitle,
    `Awarded on ${issuedOn}`,
    ...data.signatories.map((s) => `${s.name}, ${s.title}`),
    `Verification code ${data.code}: ${data.verifyUrl}`,
  ];
  const registered = new Set<LoadedFont>();
  doc.save();
  doc.addContent("3 Tr");
  let y = 60;
  for (const line of lines) {
    // One run per font file: fontsource splits scripts into separate subset files.
    const runs: { font: LoadedFont; text: string }[] = [];
    for (const char of line) {
      const font = faceFor(fonts, char.codePointAt(0)!, "Noto Sans", 400, "normal") ?? runs.at(-1)?.font;
      if (!font) continue;
      const last = runs.at(-1);
      if (last && (last.font === font || /\s/.test(char))) last.text += char;
      else runs.push({ font, text: char });
    }
    const fontId = (font: LoadedFont) => {
      const id = `f${fonts.indexOf(font)}`;
      if (!registered.has(font)) {
        doc.registerFont(id, font.sfnt());
        registered.add(font);
      }
      return id;
    };
    // PDFKit cuts a line that runs off the page: a long name shrinks to keep every letter.
    const width = runs.reduce(
      (sum, run) => sum + doc.font(fontId(run.font)).fontSize(10).widthOfString(run.text),
      0,
    );
    const size = Math.min(10, (10 * 0.97 * (PDF_WIDTH - 120)) / Math.max(width, 1));
    runs.forEach((run, i) => {
      doc.font(fontId(run.font)).fontSize(size);
      if (i === 0) doc.text(run.text, 60, y, { continued: i < runs.length - 1, lineBreak: false });
      else doc.text(run.text, { continued: i < runs.length - 1, lineBreak: false });
    });
    y += 14;
  }
  doc.restore();
}

function pdfDocument(l: Layout): PDFKit.PDFDocument {
  return new PDFDocument({
    size: [PDF_WIDTH, PDF_HEIGHT],
    margin: 0,
    info: {
      Title: `Certificate: ${l.data.holderName}, ${l.data.courseTitle}`,
      Author: l.data.institution.name,
      Subject: `Verification code ${l.data.code}`,
      CreationDate: l.data.issuedAt,
    },
  });
}

function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

/** The certificate as a one-page A4 landscape PDF with a searchable text layer. */
export async function renderCertificatePdf(data: CertificateData, options: PdfOptions = {}): Promise<Buffer> {
  const l = await layout(data, options);
  const svg = await svgOf(l);
  const doc = pdfDocument(l);
  if (options.route === "raster") {
    doc.image(rasterise(svg, options.rasterWidth ?? 2339), 0, 0, { width: PDF_WIDTH, height: PDF_HEIGHT });
  } else {
    SVGtoPDF(doc, inlineQrCode(svg, l.qrDataUri), 0, 0, {
      width: PDF_WIDTH,
      height: PDF_HEIGHT,
      imageCallback: imageForPdf as (link: string) => string,
    });
  }
  addTextLayer(doc, l);
  return finish(doc);
}
