import { describe, expect, it, vi } from "vitest";
import { type CertificateTemplate, h, renderCertificatePdf, SERIF } from "./index.js";

// Rendering and RSA key generation take seconds when CI shares its cores.
vi.setConfig({ testTimeout: 30_000 });

describe("the README's custom template", () => {
  it("renders through the public exports", async () => {
    const minimal: CertificateTemplate = (data, kit) => {
      const name = kit.fitText(data.holderName, {
        width: 900,
        height: 120,
        lineHeight: 1.2,
        maxLines: 2,
        maxSize: 60,
        minSize: 20,
        family: SERIF,
        weight: 700,
      });
      return h(
        "div",
        {
          style: {
            display: "flex",
            flexDirection: "column",
            alignItems: "center",
            justifyContent: "center",
            width: kit.width,
            height: kit.height,
            fontFamily: SERIF,
            backgroundColor: "white",
          },
        },
        h("div", { style: { fontSize: 28 } }, data.institution.name),
        ...name.lines.map((line) => h("div", { style: { fontSize: name.fontSize, fontWeight: 700 } }, line)),
        h("div", { style: { fontSize: 22 } }, `${data.courseTitle}, ${kit.issuedOn}`),
        h("img", { src: kit.qrDataUri, width: 100, height: 100 }),
        h("div", { style: { fontSize: 14 } }, data.code),
      );
    };
    const pdf = await renderCertificatePdf(
      {
        institution: { name: "Northfield Institute", primaryColor: "#1f3a5f" },
        signatories: [],
        holderName: "Анна Каренина",
        courseTitle: "Russian Literature",
        issuedAt: new Date("2025-06-14T10:00:00Z"),
        code: "7KQ2-M9XD-4HRT",
        verifyUrl: "https://campus.example.org/verify/7KQ2-M9XD-4HRT",
      },
      { template: minimal },
    );
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  });
});
