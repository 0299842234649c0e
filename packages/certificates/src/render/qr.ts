import QRCode from "qrcode";

/** QR code of a URL as an SVG data URI, dark on white with the standard quiet zone so phones read it. */
export async function qrCodeDataUri(url: string, dark = "#111111"): Promise<string> {
  const svg = await QRCode.toString(url, {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 2,
    color: { dark, light: "#ffffff" },
  });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}
