import { parseArgs } from "node:util";
import { createUserCommand, migrateCommand, pluginCommand, seedCommand, serveCommand } from "./commands.js";
import { loadConfig } from "./config.js";
import { usersImportCommand } from "./users.js";

const HELP = `Usage: lectern <command> [options]

Commands:
  migrate                         apply pending database migrations
  seed --demo                     create the demo accounts and demo data
  serve [--port 4321] [--demo]    serve the API (with --demo: seed and announce the demo accounts)
  create-user --role <student|instructor|admin> --email <e> --name <n> [--password <p>]
                                  without --password, the user is mailed an invitation
  users import <file.csv>         import users (columns email,name,role[,courseIds]) with a
                                  progress bar; new users are mailed an invitation
  <plugin command> …              commands of installed plugins, e.g. \`certificates approve\`
                                  (\`lectern help --config <file>\` lists them)

Options:
  --config <file>                 the config module (default: lectern.config.ts)
`;

const CORE_COMMANDS = new Set(["migrate", "seed", "serve", "create-user", "users", "help"]);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = { log: (line: string) => console.log(line), interactive: Boolean(process.stdout.isTTY) };
  try {
    if (command === "--help" || command === "-h") {
      console.log(HELP);
      return 0;
    }
    if (command && !CORE_COMMANDS.has(command)) {
      // A plugin's subcommand: its own arguments are its business; only --config is read here.
      const { values } = parseArgs({ args: rest, strict: false, options: { config: { type: "string" } } });
      const config = await loadConfig(values.config as string | undefined);
      return await pluginCommand(config, command, rest, out, HELP);
    }
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: command === "users",
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
      if (values.config) {
        const config = await loadConfig(values.config);
        await pluginCommand(config, null, [], out, "");
      }
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
      case "users": {
        const [action, file] = positionals;
        if (action !== "import" || !file) throw new Error("Usage: lectern users import <file.csv>");
        return await usersImportCommand(config, file, out);
      }
      default:
        return 1;
    }
  } catch (error) {
    console.error(`lectern: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
