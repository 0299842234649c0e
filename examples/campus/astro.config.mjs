import node from "@astrojs/node";
import react from "@astrojs/react";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "astro/config";

// Server-rendered pages with React islands; server.ts mounts the built handler inside Lectern's
// Hono server (middleware mode), after the API and in front of nothing else.
export default defineConfig({
  output: "server",
  adapter: node({ mode: "middleware" }),
  integrations: [react()],
  vite: {
    plugins: [tailwindcss()],
    build: { chunkSizeWarningLimit: 1500 },
  },
  build: { inlineStylesheets: "never" },
  devToolbar: { enabled: false },
});
