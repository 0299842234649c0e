/**
 * Every ```ts block of README.md, docs/*.md and the packages' READMEs is compiled, as a module of
 * its own, against the workspace's packages: a snippet that stops type-checking fails here, not in
 * a reader's editor.
 * A block that quotes a source file names it — ```ts excerpt examples/bookmarks-plugin/src/schema.ts —
 * and each of its lines must appear in that file, in order (that file is type-checked with the rest
 * of the tree); lines with "…" stand for what the excerpt leaves out. There is no third kind: a
 * block that would not compile on its own quotes the source it comes from.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
// Inside core's folder, so a snippet's own imports (drizzle-orm, vitest, zod…) resolve as a
// plugin's would; @lectern/* map to the workspace's sources.
const out = join(root, "packages", "core", ".snippets");

interface Snippet {
  file: string;
  line: number;
  code: string;
  /** The source file an excerpt quotes. */
  source?: string;
}

function extractSnippets(markdown: string, file: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]!.match(/^(\s*)```(ts|typescript)(\s+[^`]*)?$/);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    const source = (open[3] ?? "").match(/\bexcerpt\s+(\S+)/)?.[1];
    const indent = open[1]!.length;
    const code = lines
      .slice(start, end)
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join("\n");
    snippets.push({ file, line: start, code, ...(source && { source }) });
    i = end;
  }
  return snippets;
}

const squeeze = (line: string) => line.replace(/\s+/g, " ").trim();

/**
 * The first line of an excerpt that its source does not have, in order; null when every line is
 * there. Blank lines and lines with "…" (what the excerpt leaves out) are skipped.
 */
function missingLines(excerpt: string, source: string): string | null {
  const lines = source.split("\n").map(squeeze);
  let at = 0;
  for (const raw of excerpt.split("\n")) {
    const line = squeeze(raw);
    if (!line || line.includes("…")) continue;
    const found = lines.indexOf(line, at);
    if (found < 0) return line;
    at = found + 1;
  }
  return null;
}

/** The root README, docs/, and every package's README (what npm shows a reader). */
async function documents(): Promise<string[]> {
  const docs = (await readdir(join(root, "docs")))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(root, "docs", f));
  const readmes: string[] = [];
  for (const group of ["packages", "plugins", "apps"]) {
    for (const entry of await readdir(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const readme = join(root, group, entry.name, "README.md");
      if (
        await readFile(readme).then(
          () => true,
          () => false,
        )
      )
        readmes.push(readme);
    }
  }
  return [join(root, "README.md"), ...docs, ...readmes];
}

describe("the documentation's TypeScript snippets", () => {
  afterAll(() => rm(out, { recursive: true, force: true }));

  it("finds every fenced block, with no way to leave one out", () => {
    const found = extractSnippets("x\n```ts\nconst a = 1;\n```\n```ts partial\nbroken(\n```\n", "x.md");
    expect(found).toEqual([
      { file: "x.md", line: 2, code: "const a = 1;" },
      { file: "x.md", line: 5, code: "broken(" },
    ]);
    const quoted = extractSnippets("```ts excerpt src/a.ts\nconst a = 1;\n```\n", "x.md");
    expect(missingLines("a\n  …\nc", "a\nb\n  c")).toBeNull();
    expect(missingLines("c\na", "a\nc")).toBe("a");
    expect(quoted).toEqual([{ file: "x.md", line: 1, code: "const a = 1;", source: "src/a.ts" }]);
  });

  it("quote their source files faithfully", async () => {
    const drifted: string[] = [];
    for (const doc of await documents()) {
      for (const snippet of extractSnippets(await readFile(doc, "utf8"), relative(root, doc))) {
        if (!snippet.source) continue;
        const text = await readFile(join(root, snippet.source), "utf8").catch(() => null);
        if (text === null) {
          drifted.push(`${snippet.file}:${snippet.line}: ${snippet.source} does not exist`);
          continue;
        }
        const missing = missingLines(snippet.code, text);
        if (missing) drifted.push(`${snippet.file}:${snippet.line}: not in ${snippet.source}: ${missing}`);
      }
    }
    expect(drifted).toEqual([]);
  });

  it("type-check under strict settings", async () => {
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const files = new Map<string, Snippet>();
    for (const doc of await documents()) {
      for (const snippet of extractSnippets(await readFile(doc, "utf8"), relative(root, doc))) {
        if (snippet.source) continue;
        const name = join(out, `${snippet.file.replace(/[^a-z0-9]+/gi, "_")}_${snippet.line}.ts`);
        await writeFile(name, `${snippet.code}\nexport {};\n`);
        files.set(name, snippet);
      }
    }
    expect(files.size).toBeGreaterThan(5);

    const packages = join(root, "packages");
    const program = ts.createProgram([...files.keys()], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
      types: ["node"],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      allowImportingTsExtensions: false,
      baseUrl: root,
      paths: {
        "@lectern/core/testing": [join(packages, "core/src/testing/index.ts")],
        "@lectern/courses/testing": [join(packages, "courses/src/testing.ts")],
        "@lectern/payments/testing": [join(packages, "payments/src/testing/index.ts")],
        "@lectern/live-classes/testing": [join(packages, "live-classes/src/testing.ts")],
        "@lectern/*": [join(packages, "*/src/index.ts"), join(root, "plugins/*/src/index.ts")],
      },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.has(d.file.fileName))
      .map((d) => {
        const snippet = files.get(d.file!.fileName)!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${snippet.file}:${snippet.line + line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    expect(problems).toEqual([]);
  }, 300_000);
});
