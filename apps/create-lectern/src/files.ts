import type { PluginChoice } from "./catalog.js";

/**
 * The tools a generated project uses, at the versions Lectern is built and tested with. Lectern's
 * own packages follow this package's version: they are released together.
 */
export const TOOL_VERSIONS = {
  "drizzle-orm": "0.45.4",
  "drizzle-kit": "0.31.11",
  typescript: "5.9.3",
  vitest: "4.1.12",
  tsx: "4.21.0",
  "@types/node": "20.19.43",
} as const;

export interface ProjectSpec {
  /** The npm package name (the folder's name, checked). */
  name: string;
  /** The institution's name, shown on certificates, mail and receipts. */
  institution: string;
  choices: PluginChoice[];
  /** The version range of Lectern's packages, e.g. `^0.1.0`. */
  lecternRange: string;
}

export function packageJson(spec: ProjectSpec): string {
  const lectern = ["@lectern/core", "@lectern/cli", ...spec.choices.flatMap((c) => c.packages)];
  const manifest = {
    name: spec.name,
    version: "0.1.0",
    private: true,
    // Lectern is ESM only: its config and plugins use `import` and top-level `await`.
    type: "module",
    engines: { node: ">=20.19" },
    scripts: {
      start: "lectern serve",
      dev: "lectern serve --demo",
      migrate: "lectern migrate",
      seed: "lectern seed --demo",
      "db:generate": "drizzle-kit generate",
      typecheck: "tsc --noEmit",
      test: "vitest run",
    },
    dependencies: {
      ...Object.fromEntries(lectern.sort().map((name) => [name, spec.lecternRange])),
      "drizzle-orm": TOOL_VERSIONS["drizzle-orm"],
    },
    devDependencies: {
      "@types/node": TOOL_VERSIONS["@types/node"],
      "drizzle-kit": TOOL_VERSIONS["drizzle-kit"],
      tsx: TOOL_VERSIONS.tsx,
      typescript: TOOL_VERSIONS.typescript,
      vitest: TOOL_VERSIONS.vitest,
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function lecternConfig(spec: ProjectSpec): string {
  const imports = [
    'import type { LecternConfig } from "@lectern/core";',
    ...spec.choices.flatMap((c) => c.imports),
    'import { bookmarks } from "./plugins/bookmarks/src/index.js";',
  ];
  const plugins = [...spec.choices.map((c) => c.call), "bookmarks()"];
  return `${imports.join("\n")}

/**
 * This campus's plugins and settings. Every value can come from the environment; the defaults run
 * offline on the embedded database (PGlite), with mail written to .lectern/mail as .eml files.
 */
const env = process.env;
const INSTITUTION = env.INSTITUTION_NAME ?? ${JSON.stringify(spec.institution)};

export default {
  // PostgreSQL when DATABASE_URL is set; otherwise PGlite, keeping its data in a folder.
  database: env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: ".lectern/data" },
  storage: env.LECTERN_FILES_DIR ?? ".lectern/files",
  publicUrl: env.PUBLIC_URL ?? \`http://localhost:\${env.PORT ?? 4321}\`,
  mail: {
    from: env.MAIL_FROM ?? \`"\${INSTITUTION}" <no-reply@localhost>\`,
    smtp: env.SMTP_URL || undefined,
    outboxDir: ".lectern/mail",
  },
  plugins: [
    ${plugins.join(",\n    ")},
  ],
} satisfies LecternConfig;
`;
}

export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2023"],
      types: ["node"],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ["lectern.config.ts", "plugins"],
  },
  null,
  2,
)}\n`;

export const DRIZZLE_CONFIG = `import { defineConfig } from "drizzle-kit";

// \`npm run db:generate\` writes a migration for each change to the sample plugin's schema.
export default defineConfig({
  dialect: "postgresql",
  schema: "./plugins/bookmarks/src/schema.ts",
  out: "./plugins/bookmarks/migrations",
});
`;

export const GITIGNORE = `node_modules/
.lectern/
*.log
`;

export function readme(spec: ProjectSpec): string {
  const list = spec.choices.map((c) => `- \`${c.packages[0]}\` — ${c.summary}`).join("\n");
  return `# ${spec.name}

A campus API built on Lectern.

\`\`\`sh
npm install
npm run dev      # the API on http://localhost:4321 with demo accounts and courses
npm test         # the sample plugin's tests, on an embedded database
\`\`\`

| script | what it does |
|---|---|
| \`npm start\` | serve the API (\`PORT\`, default 4321) |
| \`npm run dev\` | serve, after creating the demo accounts and data |
| \`npm run migrate\` | apply pending migrations (\`npm start\` does it too) |
| \`npm run seed\` | create the demo accounts and data |
| \`npm run db:generate\` | write a migration after changing \`plugins/bookmarks/src/schema.ts\` |
| \`npm run typecheck\` | type-check the config and plugins |
| \`npm test\` | run the tests with vitest |

The API is described at \`/api/openapi.json\` and browsable at \`/api/docs\`.

## Configuration

\`lectern.config.ts\` chooses the plugins. With no \`DATABASE_URL\` the data lives in an embedded
PostgreSQL (PGlite) under \`.lectern/data\`; set \`DATABASE_URL=postgres://…\` for a server. Without
\`SMTP_URL\`, mail is written to \`.lectern/mail\`.

Installed plugins:

${list}
- \`plugins/bookmarks\` — a sample plugin of this project's own: a table, a migration, routes,
  a service and tests. Copy its shape for your own features.

Lectern is ESM only and needs Node.js 20.19 or later.
`;
}
