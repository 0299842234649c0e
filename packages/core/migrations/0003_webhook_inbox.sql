CREATE TABLE "lectern_webhook_inbox" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"inbox" text NOT NULL,
	"source" text NOT NULL,
	"event_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"received_at" timestamp with time zone NOT NULL,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "lectern_webhook_inbox_event_key" ON "lectern_webhook_inbox" USING btree ("inbox","source","event_id");--> statement-breakpoint
CREATE INDEX "lectern_webhook_inbox_pending_idx" ON "lectern_webhook_inbox" USING btree ("inbox","seq") WHERE status = 'pending';