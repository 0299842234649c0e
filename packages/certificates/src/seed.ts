import type { SeedContext } from "@lectern/core";
import { and, eq } from "drizzle-orm";
import { certificates } from "./schema.js";
import type { CertificatesService } from "./service.js";

const DEMO_CERTIFICATES = 2;

/**
 * Two issued certificates for the demo student: the first two free courses they are enrolled in
 * are taken to completion (every required material marked done) and approved by the demo admin.
 * Courses that other rules keep from completing (an unpassed exam) are left alone.
 */
export async function seedDemoCertificates(ctx: SeedContext, service: CertificatesService): Promise<void> {
  const student = await ctx.auth.findUserByEmail("student@example.com");
  const admin = await ctx.auth.findUserByEmail("admin@example.com");
  if (!student || !admin) return;
  const courses = ctx.services.get("courses");
  const viewer = { id: student.id, role: "student" as const };
  // Other plugins may add requirements (an exam to pass), so go through the free courses — the
  // student's own first, then the catalog's — until enough of them complete.
  const { items } = await courses.listMyEnrollments(student.id, { limit: 100 });
  const catalog = await courses.listCatalog({ limit: 100 });
  const candidates = [
    ...items.filter((e) => e.course.price === null && e.status !== "cancelled").map((e) => e.courseId),
    ...catalog.items.filter((c) => c.price === null).map((c) => c.id),
  ].filter((id, i, all) => all.indexOf(id) === i);
  let issued = 0;
  for (const courseId of candidates) {
    if (issued >= DEMO_CERTIFICATES) break;
    const enrollment = await ctx.db.transaction(
      async (tx) => (await courses.enroll(tx, { userId: student.id, courseId })).enrollment,
    );
    const title = (await courses.findCourse(courseId))?.title ?? courseId;
    if (enrollment.status === "active") {
      for (const material of await courses.listMaterials(viewer, courseId)) {
        if (material.required) await courses.completeMaterial(viewer, material.id);
      }
    }
    const now = await courses.findEnrollment(student.id, courseId);
    if (now?.status === "completed") {
      // The course.completed handler would create this request too; creating it here is the same, once.
      const { id } = await ctx.db.transaction((tx) =>
        service.requestCertificate(tx, {
          userId: student.id,
          courseId,
          enrollmentId: now.id,
        }),
      );
      const [row] = await ctx.db
        .select({ status: certificates.status })
        .from(certificates)
        .where(and(eq(certificates.id, id)));
      if (row?.status === "pending") await service.approve(admin, id);
      ctx.progress(++issued, DEMO_CERTIFICATES, title);
    }
  }
}
