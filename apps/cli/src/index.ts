export {
  createUserCommand,
  demoBanner,
  migrateCommand,
  type Output,
  seedCommand,
  seedDemo,
  serveCommand,
} from "./commands.js";
export { loadConfig } from "./config.js";
export { main } from "./main.js";
