export { CHOICES, DEFAULT_CHOICES, type PluginChoice, resolveChoices } from "./catalog.js";
export { TOOL_VERSIONS } from "./files.js";
export { main } from "./main.js";
export { type ScaffoldOptions, type ScaffoldResult, scaffold } from "./scaffold.js";
