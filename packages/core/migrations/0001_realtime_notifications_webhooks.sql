CREATE TABLE "lectern_notification_preferences" (
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"in_app" boolean NOT NULL,
	"email" boolean NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "lectern_notification_preferences_user_id_kind_pk" PRIMARY KEY("user_id","kind")
);
--> statement-breakpoint
CREATE TABLE "lectern_notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"event_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lectern_realtime_channels" (
	"channel" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lectern_realtime_messages" (
	"channel" text NOT NULL,
	"seq" bigint NOT NULL,
	"event_id" uuid NOT NULL,
	"event" text NOT NULL,
	"data" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "lectern_realtime_messages_channel_seq_pk" PRIMARY KEY("channel","seq")
);
--> statement-breakpoint
CREATE TABLE "lectern_webhook_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"event" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer NOT NULL,
	"response_status" integer,
	"duration_ms" integer,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lectern_webhook_endpoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"events" text[] NOT NULL,
	"description" text,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_expires_at" timestamp with time zone,
	"enabled" boolean NOT NULL,
	"disabled_reason" text,
	"failing_since" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "lectern_webhook_deliveries" ADD CONSTRAINT "lectern_webhook_deliveries_endpoint_id_lectern_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."lectern_webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lectern_notifications_event_key" ON "lectern_notifications" USING btree ("event_id","kind","user_id");--> statement-breakpoint
CREATE INDEX "lectern_notifications_user_idx" ON "lectern_notifications" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "lectern_notifications_unread_idx" ON "lectern_notifications" USING btree ("user_id") WHERE read_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "lectern_realtime_messages_event_key" ON "lectern_realtime_messages" USING btree ("event_id","channel");--> statement-breakpoint
CREATE INDEX "lectern_realtime_messages_at_idx" ON "lectern_realtime_messages" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "lectern_webhook_deliveries_event_key" ON "lectern_webhook_deliveries" USING btree ("endpoint_id","event_id");--> statement-breakpoint
CREATE INDEX "lectern_webhook_deliveries_endpoint_idx" ON "lectern_webhook_deliveries" USING btree ("endpoint_id","created_at","id");