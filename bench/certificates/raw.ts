// The raw pipeline alone (satori → PDF, no database, jobs or mail): the baseline the plugin's bench compares to.
// Run: npx tsx bench/certificates/raw.ts [--batch 1000] [--samples 20]
import { parseArgs } from "node:util";
import {
  type CertificateData,
  renderCertificatePdf,
  renderCertificatePng,
  renderCertificateSvg,
} from "../../packages/certificates/src/index.ts";

const { values } = parseArgs({
  options: { batch: { type: "string", default: "1000" }, samples: { type: "string", default: "20" } },
});
const batch = Number(values.batch);
const samples = Number(values.samples);

const names = ["Zoë Ñúñez-Øberg", "Αλέξανδρος Παπαδόπουλος", "Анна Каренина", "Margaret Okafor", "Henrik Lindqvist"];
const certificate = (i: number): CertificateData => ({
  institution: { name: "Northfield Institute of Technology", primaryColor: "#1f3a5f" },
  signatories: [
    { name: "Dr. Margaret Okafor", title: "Dean of Continuing Education" },
    { name: "Prof. Henrik Lindqvist", title: "Course Director" },
  ],
  holderName: `${names[i % names.length]} ${i}`,
  courseTitle: "Foundations of Data Engineering",
  issuedAt: new Date(),
  code: `7KQ2-M9XD-${String(i).padStart(4, "0").slice(-4)}`,
  verifyUrl: `https://campus.example.org/verify/${i}`,
});

async function time(label: string, render: (i: number) => Promise<string | Buffer>) {
  await render(0); // fonts and code paths warm
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 1; i <= samples; i++) {
    const start = performance.now();
    bytes = (await render(i)).length;
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(
    `${label.padEnd(34)} mean ${mean.toFixed(0).padStart(4)} ms  median ${ms[ms.length >> 1]!.toFixed(0).padStart(4)} ms  ${(bytes / 1024).toFixed(0).padStart(5)} KiB`,
  );
}

console.log(`Node ${process.version}, ${samples} samples each, one process (one core)\n`);
await time("SVG (satori)", (i) => renderCertificateSvg(certificate(i)));
await time("PNG 1123 px (satori + resvg)", (i) => renderCertificatePng(certificate(i)));
await time("PDF vector (svg-to-pdfkit)", (i) => renderCertificatePdf(certificate(i), { route: "vector" }));
await time("PDF raster 200 dpi (2339 px PNG)", (i) =>
  renderCertificatePdf(certificate(i), { route: "raster", rasterWidth: 2339 }),
);
await time("PDF raster 300 dpi (3508 px PNG)", (i) =>
  renderCertificatePdf(certificate(i), { route: "raster", rasterWidth: 3508 }),
);

let peakRss = process.memoryUsage().rss;
const startRss = peakRss;
const rssAt: string[] = [];
const start = performance.now();
for (let i = 0; i < batch; i++) {
  await renderCertificatePdf(certificate(i));
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if ((i + 1) % (batch / 5) === 0) rssAt.push(`${i + 1}: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}
const seconds = (performance.now() - start) / 1000;
console.log(
  `\nbatch of ${batch} vector PDFs: ${(batch / seconds).toFixed(2)} certificates/s, ${seconds.toFixed(1)} s` +
    `\nRSS before ${(startRss / 2 ** 20).toFixed(0)} MiB, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB; after ${rssAt.join(", ")}`,
);
