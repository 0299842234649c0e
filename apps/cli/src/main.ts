import { parseArgs } from "node:util";
import { createUserCommand, migrateCommand, seedCommand, serveCommand } from "./commands.js";
import { loadConfig } from "./config.js";

const HELP = `Usage: lectern <command> [options]

Commands:
  migrate                         apply pending database migrations
  seed --demo                     create the demo accounts and demo data
  serve [--port 4321] [--demo]    serve the API (with --demo: seed and announce the demo accounts)
  create-user --role <student|instructor|admin> --email <e> --name <n> [--password <p>]
                                  without --password, the user is mailed an invitation
  certificates approve --course <id> [--admin <email>]
                                  issue a course's pending certificates (with @lectern/certificates)

Options:
  --config <file>                 the config module (default: lectern.config.ts)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = { log: (line: string) => console.log(line), interactive: Boolean(process.stdout.isTTY) };
  try {
    const { values } = parseArgs({
      args: rest,
      allowPositionals: command === "certificates",
      options: {
        config: { type: "string" },
        demo: { type: "boolean", default: false },
        port: { type: "string", default: process.env.PORT ?? "4321" },
        role: { type: "string" },
        email: { type: "string" },
        name: { type: "string" },
        password: { type: "string" },
        course: { type: "string" },
        admin: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (!command || values.help || command === "help") {
      console.log(HELP);
      return command ? 0 : 1;
    }
    const config = await loadConfig(values.config);
    switch (command) {
      case "migrate":
        await migrateCommand(config, out);
        return 0;
      case "seed":
        if (!values.demo) throw new Error("Only demo data can be seeded: run `lectern seed --demo`.");
        await seedCommand(config, out);
        return 0;
      case "serve": {
        const lectern = await serveCommand(
          config,
          { port: Number(values.port), demo: values.demo ?? false },
          out,
        );
        const stop = async () => {
          await lectern.stop();
          process.exit(0);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        await new Promise(() => {});
        return 0;
      }
      case "create-user": {
        const { role, email, name, password } = values;
        if (!role || !email || !name) throw new Error("create-user needs --role, --email and --name.");
        await createUserCommand(config, { role, email, name, password }, out);
        return 0;
      }
      case "certificates": {
        const { certificatesCommand } = await import("./certificates.js");
        return await certificatesCommand(config, rest, out);
      }
      default:
        console.error(`Unknown command "${command}".\n\n${HELP}`);
        return 1;
    }
  } catch (error) {
    console.error(`lectern: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
