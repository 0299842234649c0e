/** Small, valid files for the demo seed and tests, made without any dependency. */

/** A PDF string literal's content: Latin-1 letters as octal escapes (the font uses WinAnsiEncoding). */
const escapePdf = (text: string) =>
  text
    .replace(/[\\()]/g, (c) => `\\${c}`)
    .replace(/[^\x20-\x7e]/g, (c) => {
      const code = c.charCodeAt(0);
      return code >= 0xa0 && code <= 0xff ? `\\${code.toString(8)}` : "?";
    });

/** A one-page PDF with a title and a few lines of Helvetica text. */
export function makePdf(title: string, lines: string[] = []): Buffer {
  return makePagedPdf(title, [lines]);
}

/** Breaks paragraphs into lines of at most `width` characters, with a blank line between paragraphs. */
export function wrapText(paragraphs: string[], width = 86): string[] {
  const lines: string[] = [];
  for (const paragraph of paragraphs) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + word.length + 1 > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line, "");
  }
  return lines;
}

/** A PDF with a page per entry of `pages` (each its lines), the title on top of the first. */
export function makePagedPdf(title: string, pages: string[][]): Buffer {
  const fontId = 3;
  const pageIds = pages.map((_, i) => 4 + i * 2);
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  pages.forEach((lines, i) => {
    const content = [
      ...(i === 0
        ? ["BT /F1 22 Tf 72 760 Td", `(${escapePdf(title)}) Tj`, "/F1 12 Tf 0 -36 Td 16 TL"]
        : ["BT /F1 12 Tf 72 760 Td 16 TL"]),
      ...lines.map((line) => `(${escapePdf(line)}) Tj T*`),
      "ET",
    ].join("\n");
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`,
      `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`,
    );
  });
  let pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, "latin1"));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, "latin1");
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

/** A mono 16-bit PCM WAV: a short chime of the given tones, one after another. */
export function makeWav(
  tones: number[] = [523.25, 659.25, 783.99],
  secondsEach = 0.5,
  sampleRate = 8000,
): Buffer {
  const samplesEach = Math.round(secondsEach * sampleRate);
  const samples = samplesEach * tones.length;
  const data = Buffer.alloc(samples * 2);
  tones.forEach((frequency, t) => {
    for (let i = 0; i < samplesEach; i++) {
      const fade = Math.min(1, i / 200, (samplesEach - i) / 200);
      const value = Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 0.4 * fade;
      data.writeInt16LE(Math.round(value * 32767), (t * samplesEach + i) * 2);
    }
  });
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
