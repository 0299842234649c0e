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
  const { items } = await courses.listMyEnrollments(student.id, { limit: 100 });
  const free = items
    .filter((e) => e.course.price === null && e.status !== "cancelled")
    .slice(0, DEMO_CERTIFICATES);
  let done = 0;
  for (const enrollment of free) {
    if (enrollment.status === "active") {
      for (const material of await courses.listMaterials(viewer, enrollment.courseId)) {
        if (material.required) await courses.completeMaterial(viewer, material.id);
      }
    }
    const now = await courses.findEnrollment(student.id, enrollment.courseId);
    if (now?.status === "completed") {
      // The course.completed handler would create this request too; creating it here is the same, once.
      const { id } = await ctx.db.transaction((tx) =>
        service.requestCertificate(tx, {
          userId: student.id,
          courseId: enrollment.courseId,
          enrollmentId: now.id,
        }),
      );
      const [row] = await ctx.db
        .select({ status: certificates.status })
        .from(certificates)
        .where(and(eq(certificates.id, id)));
      if (row?.status === "pending") await service.approve(admin, id);
    }
    ctx.progress(++done, free.length, enrollment.course.title);
  }
}
