CREATE TABLE "courses_completions" (
	"material_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "courses_completions_material_id_user_id_pk" PRIMARY KEY("material_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "courses_courses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"description" text NOT NULL,
	"tags" text[] NOT NULL,
	"level" text NOT NULL,
	"price_amount" integer,
	"price_currency" text,
	"status" text NOT NULL,
	"instructor_id" uuid NOT NULL,
	"rejection_reason" text,
	"cover_key" text,
	"cover_type" text,
	"enrolled_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, courses_tags_text("tags")), 'B') || setweight(to_tsvector('english'::regconfig, "summary"), 'B') || setweight(to_tsvector('english'::regconfig, "description"), 'C')) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "courses_enrollments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"enrolled_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "courses_materials" (
	"id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"section_id" uuid,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"required" boolean NOT NULL,
	"size" bigint,
	"content_type" text,
	"storage_key" text,
	"filename" text,
	"url" text,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "courses_sections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"title" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "courses_completions" ADD CONSTRAINT "courses_completions_material_id_courses_materials_id_fk" FOREIGN KEY ("material_id") REFERENCES "public"."courses_materials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses_completions" ADD CONSTRAINT "courses_completions_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses_completions" ADD CONSTRAINT "courses_completions_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses_courses" ADD CONSTRAINT "courses_courses_instructor_id_lectern_users_id_fk" FOREIGN KEY ("instructor_id") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses_enrollments" ADD CONSTRAINT "courses_enrollments_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses_enrollments" ADD CONSTRAINT "courses_enrollments_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses_materials" ADD CONSTRAINT "courses_materials_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses_materials" ADD CONSTRAINT "courses_materials_section_id_courses_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."courses_sections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses_sections" ADD CONSTRAINT "courses_sections_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "courses_completions_course_user_idx" ON "courses_completions" USING btree ("course_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "courses_courses_slug_key" ON "courses_courses" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "courses_courses_search_idx" ON "courses_courses" USING gin ("search");--> statement-breakpoint
CREATE INDEX "courses_courses_tags_idx" ON "courses_courses" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "courses_courses_status_published_idx" ON "courses_courses" USING btree ("status","published_at","id");--> statement-breakpoint
CREATE INDEX "courses_courses_status_created_idx" ON "courses_courses" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "courses_courses_instructor_idx" ON "courses_courses" USING btree ("instructor_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "courses_enrollments_course_user_key" ON "courses_enrollments" USING btree ("course_id","user_id");--> statement-breakpoint
CREATE INDEX "courses_enrollments_user_idx" ON "courses_enrollments" USING btree ("user_id","enrolled_at");--> statement-breakpoint
CREATE INDEX "courses_enrollments_enrolled_at_idx" ON "courses_enrollments" USING btree ("enrolled_at");--> statement-breakpoint
CREATE INDEX "courses_materials_course_idx" ON "courses_materials" USING btree ("course_id","section_id","position");--> statement-breakpoint
CREATE INDEX "courses_sections_course_idx" ON "courses_sections" USING btree ("course_id","position");