CREATE TABLE "lectern_audit_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"action" text NOT NULL,
	"target_user_id" uuid,
	"subject" text,
	"address" text,
	"detail" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lectern_user_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"created_by" uuid,
	"status" text NOT NULL,
	"total" integer NOT NULL,
	"done" integer NOT NULL,
	"position" integer NOT NULL,
	"created" integer NOT NULL,
	"skipped" jsonb NOT NULL,
	"failed" jsonb NOT NULL,
	"rows" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "lectern_sessions" ADD COLUMN "user_agent" text;--> statement-breakpoint
ALTER TABLE "lectern_sessions" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "lectern_sessions" ADD COLUMN "last_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lectern_user_tokens" ADD COLUMN "new_email" text;--> statement-breakpoint
ALTER TABLE "lectern_users" ADD COLUMN "suspended_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "lectern_audit_at_idx" ON "lectern_audit_log" USING btree ("at","seq");--> statement-breakpoint
CREATE INDEX "lectern_audit_actor_idx" ON "lectern_audit_log" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "lectern_audit_target_idx" ON "lectern_audit_log" USING btree ("target_user_id","at");--> statement-breakpoint
CREATE INDEX "lectern_audit_action_idx" ON "lectern_audit_log" USING btree ("action","at");--> statement-breakpoint
CREATE INDEX "lectern_user_tokens_user_idx" ON "lectern_user_tokens" USING btree ("user_id","purpose");--> statement-breakpoint
-- The audit log is append-only: rows are never changed or removed, not even by the application.
CREATE FUNCTION "lectern_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'lectern_audit_log is append-only';
END
$$;--> statement-breakpoint
CREATE TRIGGER "lectern_audit_no_change" BEFORE UPDATE OR DELETE ON "lectern_audit_log" FOR EACH ROW EXECUTE FUNCTION "lectern_audit_append_only"();--> statement-breakpoint
CREATE TRIGGER "lectern_audit_no_truncate" BEFORE TRUNCATE ON "lectern_audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "lectern_audit_append_only"();
