// The raw pipeline alone (satori → PDF, no database, jobs or mail): the baseline the plugin's bench compares to.
// Run: npx tsx bench/certificates/raw.ts [--batch 1000] [--samples 20]
import os from "node:os";
import { parseArgs } from "node:util";
import {
  type CertificateData,
  renderCertificatePdf,
  renderCertificatePng,
  renderCertificateSvg,
} from "@lectern/certificates";

const { values } = parseArgs({
  options: { batch: { type: "string", default: "1000" }, samples: { type: "string", default: "20" } },
});
const batch = Number(values.batch);
const samples = Number(values.samples);

const names = [
  "Zoë Ñúñez-Øberg",
  "Αλέξανδρος Παπαδόπουλος",
  "Анна Каренина",
  "Margaret Okafor",
  "Henrik Lindqvist",
];
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
  const cpuStart = process.cpuUsage();
  for (let i = 1; i <= samples; i++) {
    const start = performance.now();
    bytes = (await render(i)).length;
    ms.push(performance.now() - start);
  }
  // CPU time, unlike wall time, barely moves when other processes share the cores.
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000 / samples;
  ms.sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(
    `${label.padEnd(34)} wall mean ${mean.toFixed(0).padStart(4)} ms, median ${ms[ms.length >> 1]!.toFixed(0).padStart(4)} ms;` +
      ` CPU ${cpuMs.toFixed(0).padStart(4)} ms;  ${(bytes / 1024).toFixed(0).padStart(4)} KiB`,
  );
}

console.log(
  `Node ${process.version}, ${samples} samples each, one process (one core), load average ${os.loadavg()[0]!.toFixed(1)}\n`,
);
await renderCertificatePdf(certificate(0)); // fonts loaded before the baseline RSS
let peakRss = process.memoryUsage().rss;
const startRss = peakRss;
const rssAt: string[] = [];
const start = performance.now();
const batchCpu = process.cpuUsage();
for (let i = 0; i < batch; i++) {
  await renderCertificatePdf(certificate(i));
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if ((i + 1) % (batch / 5) === 0)
    rssAt.push(`${i + 1}: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(batchCpu);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  `batch of ${batch} vector PDFs: ${(batch / seconds).toFixed(2)} certificates/s by wall time (${seconds.toFixed(1)} s),` +
    ` ${(batch / cpuSeconds).toFixed(2)} per CPU-second; load average ${os.loadavg()[0]!.toFixed(1)}` +
    `\nRSS before ${(startRss / 2 ** 20).toFixed(0)} MiB, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB; after ${rssAt.join(", ")}`,
);

// Per-route samples after the batch, so that the raster routes' large buffers do not inflate its RSS.
console.log("");
await time("SVG (satori)", (i) => renderCertificateSvg(certificate(i)));
await time("PNG 1123 px (satori + resvg)", (i) => renderCertificatePng(certificate(i)));
await time("PDF vector (svg-to-pdfkit)", (i) => renderCertificatePdf(certificate(i), { route: "vector" }));
await time("PDF raster 200 dpi (2339 px PNG)", (i) =>
  renderCertificatePdf(certificate(i), { route: "raster", rasterWidth: 2339 }),
);
await time("PDF raster 300 dpi (3508 px PNG)", (i) =>
  renderCertificatePdf(certificate(i), { route: "raster", rasterWidth: 3508 }),
);
