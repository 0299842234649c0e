// Renders the default template to docs/certificates/*.png so readers can see it: `pnpm render-samples`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type CertificateData, renderCertificatePng } from "../src/index.js";

const out = (name: string) => fileURLToPath(new URL(`../../../docs/certificates/${name}`, import.meta.url));

const base: CertificateData = {
  institution: {
    name: "Northfield Institute of Technology",
    primaryColor: "#1f3a5f",
    accentColor: "#b08d3c",
  },
  signatories: [
    { name: "Dr. Margaret Okafor", title: "Dean of Continuing Education" },
    { name: "Prof. Henrik Lindqvist", title: "Course Director" },
  ],
  holderName: "Zoë Ñúñez-Øberg",
  courseTitle: "Foundations of Data Engineering",
  issuedAt: new Date("2025-06-14T10:00:00Z"),
  timeZone: "Europe/Berlin",
  code: "7KQ2-M9XD-4HRT",
  verifyUrl: "https://campus.example.org/verify/7KQ2-M9XD-4HRT",
};

// 200 characters: the longest holder name the template promises to fit.
const LONG_NAME =
  "María Fernanda de los Ángeles Guadalupe Concepción Rodríguez-Hernández y Villaseñor de la Santísima " +
  "Trinidad Alcántara Montenegro Etxeberria Sánchez-Vicario Castellanos Borbón y Übermüller-Łukasiewicz";

const samples: Record<string, Partial<CertificateData>> = {
  "sample-default.png": {},
  "sample-long-name.png": { holderName: LONG_NAME },
  "sample-greek.png": {
    holderName: "Αλέξανδρος Παπαδόπουλος",
    courseTitle: "Εισαγωγή στην Αρχαία Φιλοσοφία",
    locale: "el",
  },
  "sample-cyrillic.png": {
    holderName: "Анна Каренина",
    courseTitle: "Русская литература XIX века",
    locale: "ru",
  },
};

for (const [file, overrides] of Object.entries(samples)) {
  const png = await renderCertificatePng({ ...base, ...overrides }, { width: 1123 });
  writeFileSync(out(file), png);
  console.log(`${file}: ${(png.length / 1024).toFixed(0)} KiB`);
}
