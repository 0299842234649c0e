CREATE TABLE "recommendations_interests" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"tags" text[] NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendations_models" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"active" boolean NOT NULL,
	"body" jsonb NOT NULL,
	"trained_on" integer NOT NULL,
	"trained_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendations_neighbours" (
	"course_id" uuid PRIMARY KEY NOT NULL,
	"course" jsonb NOT NULL,
	"neighbours" jsonb NOT NULL,
	"popularity" real NOT NULL,
	"completion_rate" real NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendations_prerequisites" (
	"course_id" uuid NOT NULL,
	"prerequisite_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "recommendations_prerequisites_course_id_prerequisite_id_pk" PRIMARY KEY("course_id","prerequisite_id"),
	CONSTRAINT "recommendations_prerequisites_not_self" CHECK ("recommendations_prerequisites"."course_id" <> "recommendations_prerequisites"."prerequisite_id")
);
--> statement-breakpoint
CREATE TABLE "recommendations_risk_digests" (
	"course_id" uuid NOT NULL,
	"period" text NOT NULL,
	"students" integer NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "recommendations_risk_digests_course_id_period_pk" PRIMARY KEY("course_id","period")
);
--> statement-breakpoint
CREATE TABLE "recommendations_risk_scores" (
	"id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"risk" real NOT NULL,
	"factors" jsonb NOT NULL,
	"model_id" uuid,
	"scored_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendations_students" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"items" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recommendations_interests" ADD CONSTRAINT "recommendations_interests_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations_neighbours" ADD CONSTRAINT "recommendations_neighbours_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations_prerequisites" ADD CONSTRAINT "recommendations_prerequisites_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations_prerequisites" ADD CONSTRAINT "recommendations_prerequisites_prerequisite_id_courses_courses_id_fk" FOREIGN KEY ("prerequisite_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations_risk_digests" ADD CONSTRAINT "recommendations_risk_digests_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations_risk_scores" ADD CONSTRAINT "recommendations_risk_scores_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations_risk_scores" ADD CONSTRAINT "recommendations_risk_scores_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations_students" ADD CONSTRAINT "recommendations_students_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recommendations_models_kind_idx" ON "recommendations_models" USING btree ("kind","active","trained_at");--> statement-breakpoint
CREATE INDEX "recommendations_prerequisites_prerequisite_idx" ON "recommendations_prerequisites" USING btree ("prerequisite_id");--> statement-breakpoint
CREATE INDEX "recommendations_risk_scores_course_idx" ON "recommendations_risk_scores" USING btree ("course_id","user_id","scored_at");