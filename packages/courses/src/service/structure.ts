import { randomUUID } from "node:crypto";
import { type Executor, problems } from "@lectern/core";
import { and, asc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { materials, sections } from "../schema.js";
import { CoursesPart, toMaterial, toSection, UUID } from "./context.js";
import type { Material, MaterialInput, Section, Viewer } from "./types.js";

/** Sections and materials: ordering, uploads and links, and serving the files. */
export class CourseStructure extends CoursesPart {
  async createSection(
    viewer: Viewer,
    courseId: string,
    input: { title: string; position?: number },
  ): Promise<Section> {
    return this.db.transaction(async (tx) => {
      await this.access.manageable(tx, viewer, courseId, { lock: true });
      const siblings = await tx
        .select({ id: sections.id })
        .from(sections)
        .where(eq(sections.courseId, courseId))
        .orderBy(asc(sections.position));
      const id = randomUUID();
      await tx.insert(sections).values({
        id,
        courseId,
        title: input.title,
        position: siblings.length + 1,
        createdAt: this.deps.clock.now(),
      });
      if (input.position !== undefined)
        await this.reorder(tx, sections, [...siblings.map((s) => s.id)], id, input.position);
      await this.deps.events.emit(tx, "course.updated", { courseId });
      const [row] = await tx.select().from(sections).where(eq(sections.id, id));
      return toSection(row!);
    });
  }

  async updateSection(
    viewer: Viewer,
    id: string,
    patch: { title?: string; position?: number },
  ): Promise<Section> {
    return this.db.transaction(async (tx) => {
      const section = await this.manageableSection(tx, viewer, id);
      if (patch.title !== undefined)
        await tx.update(sections).set({ title: patch.title }).where(eq(sections.id, id));
      if (patch.position !== undefined) {
        const siblings = await tx
          .select({ id: sections.id })
          .from(sections)
          .where(eq(sections.courseId, section.courseId))
          .orderBy(asc(sections.position));
        await this.reorder(
          tx,
          sections,
          siblings.map((s) => s.id).filter((s) => s !== id),
          id,
          patch.position,
        );
      }
      await this.deps.events.emit(tx, "course.updated", { courseId: section.courseId });
      const [row] = await tx.select().from(sections).where(eq(sections.id, id));
      return toSection(row!);
    });
  }

  /** Removes a section; its materials stay in the course, outside any section. */
  async deleteSection(viewer: Viewer, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const section = await this.manageableSection(tx, viewer, id);
      await tx.delete(sections).where(eq(sections.id, id));
      await this.renumber(tx, sections, eq(sections.courseId, section.courseId));
      await this.renumberMaterials(tx, section.courseId, null);
      await this.deps.events.emit(tx, "course.updated", { courseId: section.courseId });
    });
  }

  async listSections(viewer: Viewer | null, courseId: string): Promise<Section[]> {
    const course = await this.access.findCourse(this.db, courseId);
    const enrollment =
      course && viewer ? await this.access.enrollmentOf(this.db, viewer.id, course.id) : null;
    if (!course || !this.access.canSee(viewer, course, enrollment))
      throw problems.notFound("There is no such course.");
    const rows = await this.db
      .select()
      .from(sections)
      .where(eq(sections.courseId, course.id))
      .orderBy(asc(sections.position));
    return rows.map(toSection);
  }

  async addMaterial(viewer: Viewer, courseId: string, input: MaterialInput): Promise<Material> {
    return this.db.transaction(async (tx) => {
      await this.access.manageable(tx, viewer, courseId, { lock: true });
      const sectionId = input.sectionId ?? null;
      if (sectionId) await this.sectionOf(tx, courseId, sectionId);
      const [last] = await tx
        .select({ position: sql<number>`coalesce(max(${materials.position}), 0)`.mapWith(Number) })
        .from(materials)
        .where(
          and(
            eq(materials.courseId, courseId),
            sectionId ? eq(materials.sectionId, sectionId) : isNull(materials.sectionId),
          ),
        );
      const id = randomUUID();
      const [row] = await tx
        .insert(materials)
        .values({
          id,
          courseId,
          sectionId,
          title: input.title,
          kind: input.kind,
          required: input.required ?? true,
          size: input.file?.size ?? null,
          contentType: input.file?.contentType ?? null,
          storageKey: input.file?.key ?? null,
          filename: input.file?.filename ?? null,
          url: input.kind === "link" ? (input.url ?? null) : null,
          position: (last?.position ?? 0) + 1,
          createdAt: this.deps.clock.now(),
        })
        .returning();
      await this.deps.events.emit(tx, "material.added", { materialId: id, courseId });
      if (row!.required) await this.requirementsChanged(courseId, tx);
      return toMaterial(row!);
    });
  }

  async updateMaterial(
    viewer: Viewer,
    id: string,
    patch: { title?: string; required?: boolean; sectionId?: string | null; position?: number },
  ): Promise<Material> {
    return this.db.transaction(async (tx) => {
      const material = await this.manageableMaterial(tx, viewer, id);
      const moving = patch.sectionId !== undefined && patch.sectionId !== material.sectionId;
      if (moving && patch.sectionId) await this.sectionOf(tx, material.courseId, patch.sectionId);
      const changes = {
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.required !== undefined && { required: patch.required }),
        ...(moving && { sectionId: patch.sectionId ?? null, position: 1_000_000 }),
      };
      if (Object.keys(changes).length > 0)
        await tx.update(materials).set(changes).where(eq(materials.id, id));
      const target = moving ? (patch.sectionId ?? null) : material.sectionId;
      if (moving) await this.renumberMaterials(tx, material.courseId, material.sectionId);
      if (moving || patch.position !== undefined) {
        const siblings = await tx
          .select({ id: materials.id })
          .from(materials)
          .where(this.materialGroup(material.courseId, target))
          .orderBy(asc(materials.position), asc(materials.createdAt));
        await this.reorder(
          tx,
          materials,
          siblings.map((s) => s.id).filter((s) => s !== id),
          id,
          patch.position ?? siblings.length,
        );
      }
      await this.deps.events.emit(tx, "material.updated", { materialId: id, courseId: material.courseId });
      if (patch.required !== undefined && patch.required !== material.required)
        await this.requirementsChanged(material.courseId, tx);
      const [row] = await tx.select().from(materials).where(eq(materials.id, id));
      return toMaterial(row!);
    });
  }

  async deleteMaterial(viewer: Viewer, id: string): Promise<void> {
    const key = await this.db.transaction(async (tx) => {
      const material = await this.manageableMaterial(tx, viewer, id);
      await tx.delete(materials).where(eq(materials.id, id));
      await this.renumberMaterials(tx, material.courseId, material.sectionId);
      await this.deps.events.emit(tx, "material.deleted", { materialId: id, courseId: material.courseId });
      if (material.required) await this.requirementsChanged(material.courseId, tx);
      return material.storageKey;
    });
    await this.access.deleteFiles(key ? [key] : []);
  }

  async listMaterials(viewer: Viewer, courseId: string): Promise<Material[]> {
    const course = await this.access.readableCourse(this.db, viewer, courseId);
    const rows = await this.db
      .select()
      .from(materials)
      .leftJoin(sections, eq(sections.id, materials.sectionId))
      .where(eq(materials.courseId, course.id))
      .orderBy(sql`${sections.position} asc nulls first`, asc(materials.position));
    return rows.map((r) => toMaterial(r.courses_materials));
  }

  /** Where a material's file is, for someone allowed to read it. */
  async openMaterial(viewer: Viewer, materialId: string) {
    const material = await this.access.material(this.db, materialId);
    await this.access.readableCourse(this.db, viewer, material.courseId);
    if (!material.storageKey) {
      throw problems.notFound("This material is a link and has no file; open its url instead.");
    }
    return {
      key: material.storageKey,
      contentType: material.contentType ?? "application/octet-stream",
      filename: material.filename ?? material.title,
      etag: `${material.id}-${material.size ?? 0}`,
    };
  }

  private async manageableSection(tx: Executor, viewer: Viewer, id: string) {
    const [section] = UUID.test(id) ? await tx.select().from(sections).where(eq(sections.id, id)) : [];
    if (!section) throw problems.notFound("There is no such section.");
    await this.access.manageable(tx, viewer, section.courseId, { lock: true });
    return section;
  }

  private async manageableMaterial(tx: Executor, viewer: Viewer, id: string) {
    const material = await this.access.material(tx, id);
    await this.access.manageable(tx, viewer, material.courseId, { lock: true });
    return material;
  }

  private async sectionOf(tx: Executor, courseId: string, sectionId: string) {
    const [section] = UUID.test(sectionId)
      ? await tx
          .select({ id: sections.id })
          .from(sections)
          .where(and(eq(sections.id, sectionId), eq(sections.courseId, courseId)))
      : [];
    if (!section)
      throw problems.validation([{ path: "sectionId", message: "No such section in this course." }]);
  }

  private materialGroup(courseId: string, sectionId: string | null): SQL {
    return and(
      eq(materials.courseId, courseId),
      sectionId ? eq(materials.sectionId, sectionId) : isNull(materials.sectionId),
    )!;
  }

  private async renumberMaterials(tx: Executor, courseId: string, sectionId: string | null) {
    await this.renumber(tx, materials, this.materialGroup(courseId, sectionId));
  }

  private async renumber(tx: Executor, table: typeof sections | typeof materials, where: SQL) {
    const rows = await tx
      .select({ id: table.id })
      .from(table as typeof sections)
      .where(where)
      .orderBy(asc(table.position), asc(table.createdAt));
    await this.writePositions(
      tx,
      table,
      rows.map((r) => r.id),
    );
  }

  /** Puts `id` at 1-based `position` among `others` (already in order) and renumbers them all. */
  private async reorder(
    tx: Executor,
    table: typeof sections | typeof materials,
    others: string[],
    id: string,
    position: number,
  ) {
    const order = others.filter((o) => o !== id);
    const index = Math.min(Math.max(position, 1), order.length + 1) - 1;
    order.splice(index, 0, id);
    await this.writePositions(tx, table, order);
  }

  private async writePositions(tx: Executor, table: typeof sections | typeof materials, ids: string[]) {
    if (ids.length === 0) return;
    const cases = sql.join(
      ids.map((id, i) => sql`when ${id}::uuid then ${i + 1}::int`),
      sql` `,
    );
    await tx
      .update(table)
      .set({ position: sql`case ${table.id} ${cases} end` })
      .where(inArray(table.id, ids));
  }
}
