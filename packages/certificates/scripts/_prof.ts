import { renderCertificateSvg, renderCertificatePdf } from "../src/index.js";
const d = (i: number) => ({
  institution: { name: "Northfield Institute of Technology", primaryColor: "#1f3a5f" },
  signatories: [{ name: "Dr. Margaret Okafor", title: "Dean" }, { name: "Prof. Henrik Lindqvist", title: "Course Director" }],
  holderName: `Zoë Ñúñez-Øberg ${i}`, courseTitle: "Foundations of Data Engineering", issuedAt: new Date(), code: "7KQ2-M9XD-4HRT",
  verifyUrl: `https://campus.example.org/verify/${i}`,
});
for (let i = 0; i < 3; i++) await renderCertificatePdf(d(i));
let t = performance.now();
for (let i = 0; i < 10; i++) await renderCertificateSvg(d(i));
console.log("svg", (performance.now() - t) / 10);
t = performance.now();
for (let i = 0; i < 10; i++) await renderCertificatePdf(d(i));
console.log("pdf", (performance.now() - t) / 10);
