CREATE TABLE "exams_attempts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"exam_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"status" text NOT NULL,
	"shuffle" boolean NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"deadline" timestamp with time zone,
	"answers" jsonb NOT NULL,
	"submitted_at" timestamp with time zone,
	"ended_by" text,
	"results" jsonb,
	"score" numeric(8, 2),
	"max_score" numeric(8, 2) NOT NULL,
	"passed" boolean,
	"graded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "exams_exams" (
	"id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"opens_at" timestamp with time zone,
	"closes_at" timestamp with time zone,
	"duration_minutes" integer,
	"max_attempts" integer NOT NULL,
	"passing_percent" numeric(6, 3),
	"passing_marks" numeric(8, 2),
	"shuffle" boolean NOT NULL,
	"allow_review" boolean NOT NULL,
	"grade_policy" text NOT NULL,
	"questions" jsonb NOT NULL,
	"max_score" numeric(8, 2) NOT NULL,
	"version" integer NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "exams_versions" (
	"exam_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"questions" jsonb NOT NULL,
	"max_score" numeric(8, 2) NOT NULL,
	"passing_percent" numeric(6, 3),
	"passing_marks" numeric(8, 2),
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "exams_versions_exam_id_version_pk" PRIMARY KEY("exam_id","version")
);
--> statement-breakpoint
ALTER TABLE "exams_attempts" ADD CONSTRAINT "exams_attempts_exam_id_exams_exams_id_fk" FOREIGN KEY ("exam_id") REFERENCES "public"."exams_exams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exams_attempts" ADD CONSTRAINT "exams_attempts_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exams_exams" ADD CONSTRAINT "exams_exams_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exams_exams" ADD CONSTRAINT "exams_exams_created_by_lectern_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exams_versions" ADD CONSTRAINT "exams_versions_exam_id_exams_exams_id_fk" FOREIGN KEY ("exam_id") REFERENCES "public"."exams_exams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "exams_attempts_exam_user_number_key" ON "exams_attempts" USING btree ("exam_id","user_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "exams_attempts_one_open_key" ON "exams_attempts" USING btree ("exam_id","user_id") WHERE "exams_attempts"."status" = 'in_progress';--> statement-breakpoint
CREATE INDEX "exams_attempts_open_deadline_idx" ON "exams_attempts" USING btree ("deadline") WHERE "exams_attempts"."status" = 'in_progress';--> statement-breakpoint
CREATE INDEX "exams_attempts_user_idx" ON "exams_attempts" USING btree ("user_id","course_id");--> statement-breakpoint
CREATE INDEX "exams_attempts_exam_started_idx" ON "exams_attempts" USING btree ("exam_id","started_at","id");--> statement-breakpoint
CREATE INDEX "exams_exams_course_idx" ON "exams_exams" USING btree ("course_id","created_at");