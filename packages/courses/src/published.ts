import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { courses, ENROLLED_STATUSES } from "./schema.js";

/**
 * What other plugins may use of courses' storage: the two views (for report joins), the
 * condition that says "enrolled", and a foreign key to a course. Never the tables themselves.
 */
export { coursesView, enrollmentsView } from "./schema.js";

/** The one definition of "enrolled" as SQL, for a status column of `courses_enrollments_v`. */
export function enrolledSql(status: AnyPgColumn | SQL): SQL {
  return sql`${status} in (${sql.join(
    ENROLLED_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  )})`;
}

/**
 * Makes a column of another plugin's table reference a course (`course_id uuid references
 * courses_courses(id)`), so the database keeps the two consistent.
 */
export function referencesCourse<
  T extends { references(ref: () => AnyPgColumn, actions?: ForeignKeyActions): T },
>(column: T, actions: ForeignKeyActions = {}): T {
  return column.references(() => courses.id, actions);
}

type ForeignKeyActions = { onDelete?: "cascade" | "restrict" | "no action" | "set null" };
