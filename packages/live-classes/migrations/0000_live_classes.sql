CREATE TABLE "live_classes_classes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"series_id" uuid,
	"title" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"provider" text NOT NULL,
	"status" text NOT NULL,
	"meeting_id" text NOT NULL,
	"meeting_data" jsonb NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "live_classes_presence" (
	"id" uuid PRIMARY KEY NOT NULL,
	"class_id" uuid NOT NULL,
	"user_id" uuid,
	"external_id" text,
	"name" text,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"role" text,
	"at" timestamp with time zone NOT NULL,
	"dedupe_key" text,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "live_classes_classes" ADD CONSTRAINT "live_classes_classes_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_classes_classes" ADD CONSTRAINT "live_classes_classes_created_by_lectern_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_classes_presence" ADD CONSTRAINT "live_classes_presence_class_id_live_classes_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."live_classes_classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_classes_presence" ADD CONSTRAINT "live_classes_presence_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_classes_course_idx" ON "live_classes_classes" USING btree ("course_id","starts_at");--> statement-breakpoint
CREATE INDEX "live_classes_starts_idx" ON "live_classes_classes" USING btree ("starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "live_classes_meeting_idx" ON "live_classes_classes" USING btree ("provider","meeting_id");--> statement-breakpoint
CREATE INDEX "live_classes_presence_class_idx" ON "live_classes_presence" USING btree ("class_id","user_id","at");--> statement-breakpoint
CREATE INDEX "live_classes_presence_user_idx" ON "live_classes_presence" USING btree ("user_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "live_classes_presence_dedupe_idx" ON "live_classes_presence" USING btree ("class_id","dedupe_key") WHERE "live_classes_presence"."dedupe_key" is not null;