import semver from "semver";
import type { z } from "zod";
import { CORE_EXTENSION_POINTS, type ExtensionPoint } from "./extensions.js";
import type { LecternPlugin, PluginDefinition } from "./plugin.js";
import { isProviderInstall, type ProviderInstall } from "./providers.js";
import type { Role } from "./types.js";
import { CORE_VERSION } from "./version.js";

export class PluginError extends Error {
  override name = "PluginError";
}

export interface ResolvedProvider {
  install: ProviderInstall;
  /** The provider's own options, validated. */
  options: unknown;
}

export interface ResolvedPlugin {
  definition: PluginDefinition;
  options: unknown;
  /** By slot name: the providers given to this plugin, options validated. */
  providers: Map<string, ResolvedProvider[]>;
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

  return ordered.map((plugin) => {
    const options = parseOptions(plugin);
    return {
      definition: plugin.definition,
      options,
      providers: resolveProviders(plugin.definition, options),
    };
  });
}

export function dependenciesOf(definition: PluginDefinition) {
  return (definition.dependsOn ?? []).map((d) => (typeof d === "string" ? { id: d, optional: false } : d));
}

function parseOptions(plugin: LecternPlugin): unknown {
  const schema = plugin.definition.options as z.ZodType | undefined;
  if (!schema) return plugin.rawOptions;
  const result = schema.safeParse(plugin.rawOptions);
  if (result.success) return result.data;
  throw new PluginError(
    `Invalid options for plugin "${plugin.definition.id}": ${fieldsOf(result.error.issues)}`,
  );
}

const fieldsOf = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
  issues.map((issue) => `${issue.path.map(String).join(".") || "(options)"}: ${issue.message}`).join("; ");

/**
 * The providers given in each slot option: each must be made for this slot, ids unique within
 * the slot, as many as the slot needs, and each provider's options valid.
 */
function resolveProviders(definition: PluginDefinition, options: unknown): Map<string, ResolvedProvider[]> {
  const bySlot = new Map<string, ResolvedProvider[]>();
  for (const [option, declaration] of Object.entries(definition.providerSlots ?? {})) {
    const { slot, min = 0, max = Number.POSITIVE_INFINITY } = declaration;
    if (!slot.startsWith(`${definition.id}.`)) {
      throw new PluginError(
        `Plugin "${definition.id}" declares provider slot "${slot}"; name it "${definition.id}.<name>".`,
      );
    }
    const given = (options as Record<string, unknown> | undefined)?.[option] ?? [];
    if (!Array.isArray(given) || !given.every(isProviderInstall)) {
      throw new PluginError(
        `Option "${option}" of plugin "${definition.id}" must be a list of providers, e.g. [${slot.split(".")[1]}Provider()]. Use providersOption("${slot}") in the plugin's options.`,
      );
    }
    const resolved: ResolvedProvider[] = [];
    for (const install of given) {
      if (install.slot !== slot) {
        throw new PluginError(
          `Provider "${install.id}" fills the slot "${install.slot}", but was given to "${option}" of plugin "${definition.id}", which takes "${slot}" providers. Move it to the plugin that owns "${install.slot}".`,
        );
      }
      if (resolved.some((r) => r.install.id === install.id)) {
        throw new PluginError(
          `Provider "${install.id}" is given twice to "${option}" of plugin "${definition.id}". Give each provider once.`,
        );
      }
      const schema = install.definition.options;
      let providerOptions: unknown = install.rawOptions;
      if (schema) {
        const result = schema.safeParse(install.rawOptions);
        if (!result.success) {
          throw new PluginError(
            `Invalid options for provider "${install.id}" of plugin "${definition.id}": ${fieldsOf(result.error.issues)}`,
          );
        }
        providerOptions = result.data;
      }
      resolved.push({ install, options: providerOptions });
    }
    if (resolved.length < min) {
      throw new PluginError(
        `Plugin "${definition.id}" needs at least ${min} provider${min === 1 ? "" : "s"} in "${option}" (slot "${slot}"); it was given ${resolved.length}.`,
      );
    }
    if (resolved.length > max) {
      throw new PluginError(
        `Plugin "${definition.id}" takes at most ${max} provider${max === 1 ? "" : "s"} in "${option}" (slot "${slot}"); it was given ${resolved.length}.`,
      );
    }
    bySlot.set(slot, resolved);
  }
  return bySlot;
}

/** Every declared extension point by its full name, with its owner. */
export function collectExtensionPoints(plugins: ResolvedPlugin[]) {
  const points = new Map<string, { owner: string; point: ExtensionPoint }>();
  for (const [name, point] of Object.entries(CORE_EXTENSION_POINTS))
    points.set(`core.${name}`, { owner: "core", point });
  for (const { definition } of plugins) {
    for (const [name, point] of Object.entries(definition.extensionPoints ?? {})) {
      if (name.includes(".")) {
        throw new PluginError(
          `Plugin "${definition.id}" declares extension point "${name}"; give the name without the plugin prefix ("${name.split(".").at(-1)}").`,
        );
      }
      points.set(`${definition.id}.${name}`, { owner: definition.id, point });
    }
  }
  return points;
}

/**
 * Checks one plugin's contributions against the declared points and returns them as a list.
 * A point owned by an optional dependency that is not installed is skipped; any other unknown
 * point is refused, naming both plugins.
 */
export function checkContributions(
  definition: PluginDefinition,
  contributions: Record<string, unknown>,
  points: ReturnType<typeof collectExtensionPoints>,
  installed: ReadonlySet<string>,
): { point: string; value: unknown }[] {
  const accepted: { point: string; value: unknown }[] = [];
  for (const [point, given] of Object.entries(contributions)) {
    if (given === undefined) continue;
    const [owner = "", name = ""] = point.split(".", 2);
    const declared = points.get(point);
    if (!declared) {
      const optional = dependenciesOf(definition).some((d) => d.id === owner && d.optional);
      if (optional && !installed.has(owner)) continue;
      throw new PluginError(
        installed.has(owner) || owner === "core"
          ? `Plugin "${definition.id}" contributes to "${point}", but plugin "${owner}" declares no extension point "${name}". Check the name against ${owner}'s README.`
          : `Plugin "${definition.id}" contributes to "${point}", but plugin "${owner}" is not installed. Add ${owner}() to the plugins list, or declare it as an optional dependency of "${definition.id}".`,
      );
    }
    for (const value of Array.isArray(given) ? given : [given]) {
      const schema = declared.point.schema;
      if (schema) {
        const result = schema.safeParse(value);
        if (!result.success) {
          throw new PluginError(
            `Plugin "${definition.id}" contributes an invalid value to "${point}" (declared by "${declared.owner}"): ${fieldsOf(result.error.issues)}`,
          );
        }
      }
      accepted.push({ point, value });
    }
  }
  return accepted;
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
