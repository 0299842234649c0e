/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** Set by server.ts: calls Lectern's HTTP API in-process, carrying the visitor's cookie. */
    lecternFetch?: (request: Request) => Promise<Response>;
    branding?: import("./lib/branding").Branding;
    /** Set by server.ts: the About, Contact and FAQ pages' content. */
    institution?: import("./lib/institution").Institution;
    /** Set by server.ts: the ids of the installed plugins (`payments`, `exams`, …). */
    installed?: readonly string[];
  }
}
