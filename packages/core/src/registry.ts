import semver from "semver";
import type { z } from "zod";
import type { LecternPlugin, PluginDefinition } from "./plugin.js";
import type { Role } from "./types.js";
import { CORE_VERSION } from "./version.js";

export class PluginError extends Error {
  override name = "PluginError";
}

export interface ResolvedPlugin {
  definition: PluginDefinition;
  options: unknown;
}

/**
 * Checks every plugin and orders them by `dependsOn` (never by their place in the array).
 * Refuses, with a message naming the plugin and the fix: duplicates, an incompatible core,
 * missing dependencies, cycles and invalid options.
 */
export function resolvePlugins(plugins: LecternPlugin[], coreVersion = CORE_VERSION): ResolvedPlugin[] {
  const byId = new Map<string, LecternPlugin>();
  for (const plugin of plugins) {
    const { id } = plugin.definition;
    if (id === "core") throw new PluginError(`The plugin id "core" is reserved.`);
    if (byId.has(id)) throw new PluginError(`Plugin "${id}" is installed twice. Remove one of them.`);
    byId.set(id, plugin);
  }

  for (const { definition } of plugins) {
    if (!semver.satisfies(coreVersion, definition.coreRange, { includePrerelease: true })) {
      throw new PluginError(
        `Plugin "${definition.id}" ${definition.version} needs @lectern/core ${definition.coreRange}, but this is ${coreVersion}. Install a version of the plugin made for this core.`,
      );
    }
    for (const dependency of dependenciesOf(definition)) {
      if (!dependency.optional && !byId.has(dependency.id)) {
        throw new PluginError(
          `Plugin "${definition.id}" depends on "${dependency.id}", which is not installed. Add ${dependency.id}() to the plugins list.`,
        );
      }
    }
  }

  const ordered: LecternPlugin[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (plugin: LecternPlugin, path: string[]) => {
    const { id } = plugin.definition;
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      const cycle = [...path.slice(path.indexOf(id)), id].join(" → ");
      throw new PluginError(`Plugins depend on each other in a cycle: ${cycle}. Break the cycle.`);
    }
    state.set(id, "visiting");
    for (const dependency of dependenciesOf(plugin.definition)) {
      const installed = byId.get(dependency.id);
      if (installed) visit(installed, [...path, id]);
    }
    state.set(id, "done");
    ordered.push(plugin);
  };
  for (const plugin of plugins) visit(plugin, []);

  return ordered.map((plugin) => ({ definition: plugin.definition, options: parseOptions(plugin) }));
}

function dependenciesOf(definition: PluginDefinition) {
  return (definition.dependsOn ?? []).map((d) => (typeof d === "string" ? { id: d, optional: false } : d));
}

function parseOptions(plugin: LecternPlugin): unknown {
  const schema = plugin.definition.options as z.ZodType | undefined;
  if (!schema) return plugin.rawOptions;
  const result = schema.safeParse(plugin.rawOptions);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `${issue.path.join(".") || "(options)"}: ${issue.message}`)
    .join("; ");
  throw new PluginError(`Invalid options for plugin "${plugin.definition.id}": ${problems}`);
}

/** Merges every plugin's permissions; two plugins may not define the same one. */
export function collectPermissions(plugins: ResolvedPlugin[], core: Record<string, Role[]>) {
  const permissions = new Map<string, readonly Role[]>(Object.entries(core));
  for (const { definition } of plugins) {
    for (const [name, roles] of Object.entries(definition.permissions ?? {})) {
      if (permissions.has(name))
        throw new PluginError(`Permission "${name}" is defined twice (again by "${definition.id}").`);
      permissions.set(name, roles);
    }
  }
  return permissions;
}
