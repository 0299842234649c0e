CREATE SEQUENCE "public"."certificates_status_index_seq" INCREMENT BY 1 MINVALUE 0 MAXVALUE 9223372036854775807 START WITH 0 CACHE 1;--> statement-breakpoint
CREATE TABLE "certificates_batch_items" (
	"batch_id" uuid NOT NULL,
	"certificate_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"finished_at" timestamp with time zone,
	CONSTRAINT "certificates_batch_items_batch_id_certificate_id_pk" PRIMARY KEY("batch_id","certificate_id")
);
--> statement-breakpoint
CREATE TABLE "certificates_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"course_id" uuid,
	"created_by" uuid NOT NULL,
	"total" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"issued" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "certificates_certificates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"enrollment_id" uuid,
	"status" text NOT NULL,
	"code" text,
	"holder_name" text,
	"course_title" text,
	"status_index" integer,
	"pdf_key" text,
	"png_key" text,
	"credential" text,
	"reason" text,
	"decided_by" uuid,
	"requested_at" timestamp with time zone NOT NULL,
	"issued_at" timestamp with time zone,
	"rejected_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "certificates_batch_items" ADD CONSTRAINT "certificates_batch_items_batch_id_certificates_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."certificates_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates_batch_items" ADD CONSTRAINT "certificates_batch_items_certificate_id_certificates_certificates_id_fk" FOREIGN KEY ("certificate_id") REFERENCES "public"."certificates_certificates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates_batches" ADD CONSTRAINT "certificates_batches_created_by_lectern_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates_certificates" ADD CONSTRAINT "certificates_certificates_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates_certificates" ADD CONSTRAINT "certificates_certificates_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates_certificates" ADD CONSTRAINT "certificates_certificates_decided_by_lectern_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "certificates_batch_items_batch_status_idx" ON "certificates_batch_items" USING btree ("batch_id","status","position");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_certificates_user_course_key" ON "certificates_certificates" USING btree ("user_id","course_id");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_certificates_code_key" ON "certificates_certificates" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_certificates_status_index_key" ON "certificates_certificates" USING btree ("status_index");--> statement-breakpoint
CREATE INDEX "certificates_certificates_status_requested_idx" ON "certificates_certificates" USING btree ("status","requested_at","id");--> statement-breakpoint
CREATE INDEX "certificates_certificates_course_status_idx" ON "certificates_certificates" USING btree ("course_id","status");--> statement-breakpoint
CREATE INDEX "certificates_certificates_user_requested_idx" ON "certificates_certificates" USING btree ("user_id","requested_at","id");