import { createRouter, type PluginContext } from "@lectern/core";
import { captionsRoutes } from "./routes/captions.js";
import { catalogRoutes } from "./routes/catalog.js";
import { enrollmentRoutes } from "./routes/enrollment.js";
import type { CoursesRouteOptions } from "./routes/shared.js";
import { structureRoutes } from "./routes/structure.js";
import type { CoursesService } from "./service.js";

export type { CoursesRouteOptions } from "./routes/shared.js";

/** The courses API, composed in registration order: catalog, structure, captions, enrollment. */
export function coursesRoutes(ctx: PluginContext, service: CoursesService, options: CoursesRouteOptions) {
  return createRouter()
    .route("/", catalogRoutes(ctx, service, options))
    .route("/", structureRoutes(ctx, service, options))
    .route("/", captionsRoutes(ctx, service, options))
    .route("/", enrollmentRoutes(ctx, service, options));
}
