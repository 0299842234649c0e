/** What a certificate says. Text fields are plain strings; images are data URIs (PNG, JPEG or SVG). */
export interface CertificateData {
  institution: {
    name: string;
    logoDataUri?: string;
    /** CSS colour of borders, title and name, e.g. "#1f3a5f". */
    primaryColor: string;
    /** CSS colour of ornaments and rules; a gold tone when omitted. */
    accentColor?: string;
  };
  signatories: { name: string; title: string; signatureDataUri?: string }[];
  holderName: string;
  courseTitle: string;
  issuedAt: Date;
  /** The human-typable verification code, e.g. "7KQ2-M9XD-4HRT". */
  code: string;
  /** The public verification page the QR code links to. */
  verifyUrl: string;
  /** IANA zone deciding the printed date; UTC when omitted. */
  timeZone?: string;
  /** BCP 47 locale of the printed date; "en-GB" when omitted. */
  locale?: string;
}

/** A satori element: the plain-object form of JSX, so templates need no JSX runtime. */
export interface CertificateElement {
  type: string;
  props: {
    style?: Record<string, string | number>;
    children?: CertificateNode | CertificateNode[];
    [attribute: string]: unknown;
  };
}
export type CertificateNode = CertificateElement | string | number | null | undefined | false;

export interface FitTextBox {
  width: number;
  /** Height the lines may fill, at lineHeight × font size each. */
  height: number;
  lineHeight: number;
  /** Most lines the text may take; it shrinks before it takes more. */
  maxLines: number;
  maxSize: number;
  minSize: number;
  /** A family name or a `fontFamily` stack such as SERIF; measured with its first family. */
  family: string;
  weight: 400 | 700;
  style?: "normal" | "italic";
}

export interface FittedText {
  fontSize: number;
  /** The text broken into lines that each fit the width at fontSize. */
  lines: string[];
}

/** What the renderer hands a template besides the data: page size, the QR code, the date, and text fitting. */
export interface TemplateKit {
  width: number;
  height: number;
  /** SVG data URI of a QR code linking to data.verifyUrl. */
  qrDataUri: string;
  /** data.issuedAt formatted in data.timeZone and data.locale. */
  issuedOn: string;
  fitText(text: string, box: FitTextBox): FittedText;
}

export type CertificateTemplate = (
  data: CertificateData,
  kit: TemplateKit,
) => CertificateElement | Promise<CertificateElement>;

/** Satori element factory: `h("div", {style}, ...children)`. */
export function h(type: string, props: CertificateElement["props"] | null, ...children: CertificateNode[]) {
  const element: CertificateElement = { type, props: { ...props } };
  if (children.length > 0) element.props.children = children.length === 1 ? children[0] : children;
  return element;
}
