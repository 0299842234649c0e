CREATE TABLE "attendance_alerts" (
	"user_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"period" text NOT NULL,
	"rate" numeric(5, 4) NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "attendance_alerts_user_id_course_id_period_pk" PRIMARY KEY("user_id","course_id","period")
);
--> statement-breakpoint
CREATE TABLE "attendance_days" (
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "attendance_days_user_id_day_pk" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
CREATE TABLE "attendance_roll_call_changes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"live_class_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"changed_by" uuid NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attendance_roll_calls" (
	"live_class_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"changed_by" uuid NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "attendance_roll_calls_live_class_id_user_id_pk" PRIMARY KEY("live_class_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "attendance_alerts" ADD CONSTRAINT "attendance_alerts_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_days" ADD CONSTRAINT "attendance_days_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_roll_call_changes" ADD CONSTRAINT "attendance_roll_call_changes_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_roll_call_changes" ADD CONSTRAINT "attendance_roll_call_changes_changed_by_lectern_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_roll_calls" ADD CONSTRAINT "attendance_roll_calls_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_roll_calls" ADD CONSTRAINT "attendance_roll_calls_changed_by_lectern_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attendance_days_day_idx" ON "attendance_days" USING btree ("day");--> statement-breakpoint
CREATE INDEX "attendance_roll_call_changes_class_idx" ON "attendance_roll_call_changes" USING btree ("live_class_id","changed_at");--> statement-breakpoint
CREATE INDEX "attendance_roll_calls_course_idx" ON "attendance_roll_calls" USING btree ("course_id");