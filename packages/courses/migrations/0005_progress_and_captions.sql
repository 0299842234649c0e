DROP VIEW "public"."courses_enrollments_v";--> statement-breakpoint
ALTER TABLE "courses_enrollments" ADD COLUMN "progress" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Progress is now written where completion is decided. Existing rows start from their required
-- materials (a completed enrollment is 1). An active one with every material done was held back
-- by another plugin's requirement, so that counts as one unmet item: never "Active · 100%".
-- The next check (a completion, a grade, a change of materials) brings the exact count.
UPDATE "courses_enrollments" e SET "progress" = CASE WHEN e.status = 'completed' THEN 1 ELSE coalesce((
  SELECT count(cc.material_id)::float8
    / nullif(count(*) + CASE WHEN count(cc.material_id) = count(*) THEN 1 ELSE 0 END, 0)
  FROM courses_materials m
  LEFT JOIN courses_completions cc ON cc.material_id = m.id AND cc.user_id = e.user_id
  WHERE m.course_id = e.course_id AND m.required
), 0) END;--> statement-breakpoint
ALTER TABLE "courses_materials" ADD COLUMN "captions_key" text;--> statement-breakpoint
ALTER TABLE "courses_materials" ADD COLUMN "captions_size" integer;--> statement-breakpoint
CREATE VIEW "public"."courses_enrollments_v" AS (select e.course_id, e.user_id, e.status, e.enrolled_at, e.completed_at, e.progress
  from courses_enrollments e);