/**
 * Which plugins this campus runs. The server knows (server.ts passes the configured ids); pages
 * render them on <body data-plugins>, so islands can leave out what is not installed instead of
 * calling routes that do not exist.
 */
export function installedPlugins(astro: {
  locals: { installed?: readonly string[] };
}): readonly string[] | null {
  return astro.locals.installed ?? null;
}

/** In the browser: true when the plugin is installed, or when the page does not say (a bare `astro dev`). */
export function isInstalled(plugin: string): boolean {
  if (typeof document === "undefined") return true;
  const list = document.body.dataset.plugins;
  if (list === undefined) return true;
  return list.split(" ").includes(plugin);
}
