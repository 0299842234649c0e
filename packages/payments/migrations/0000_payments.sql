CREATE TABLE "payments_coupons" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"percent_off" integer,
	"amount_off" integer,
	"currency" text,
	"course_id" uuid,
	"expires_at" timestamp with time zone,
	"max_redemptions" integer,
	"redemptions" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"deactivated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "payments_payments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"gateway" text NOT NULL,
	"status" text NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"list_amount" integer NOT NULL,
	"amount_refunded" integer DEFAULT 0 NOT NULL,
	"coupon_id" uuid,
	"coupon_code" text,
	"gateway_ref" text,
	"redirect_url" text,
	"idempotency_key" text,
	"request_hash" text NOT NULL,
	"status_reason" text,
	"note" text,
	"marked_by" uuid,
	"marked_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "payments_received_events" (
	"gateway" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"payment_id" uuid,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payments_received_events_gateway_event_id_pk" PRIMARY KEY("gateway","event_id")
);
--> statement-breakpoint
CREATE TABLE "payments_redemptions" (
	"coupon_id" uuid NOT NULL,
	"payment_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payments_redemptions_payment_id_pk" PRIMARY KEY("payment_id")
);
--> statement-breakpoint
CREATE TABLE "payments_refunds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"payment_id" uuid NOT NULL,
	"amount" integer NOT NULL,
	"gateway_ref" text,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payments_coupons" ADD CONSTRAINT "payments_coupons_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments_coupons" ADD CONSTRAINT "payments_coupons_created_by_lectern_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments_payments" ADD CONSTRAINT "payments_payments_course_id_courses_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses_courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments_payments" ADD CONSTRAINT "payments_payments_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments_payments" ADD CONSTRAINT "payments_payments_marked_by_lectern_users_id_fk" FOREIGN KEY ("marked_by") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments_redemptions" ADD CONSTRAINT "payments_redemptions_coupon_id_payments_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."payments_coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments_redemptions" ADD CONSTRAINT "payments_redemptions_payment_id_payments_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments_payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments_refunds" ADD CONSTRAINT "payments_refunds_payment_id_payments_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments_payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments_refunds" ADD CONSTRAINT "payments_refunds_created_by_lectern_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."lectern_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payments_coupons_code_key" ON "payments_coupons" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_payments_user_idempotency_key" ON "payments_payments" USING btree ("user_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_payments_gateway_ref_key" ON "payments_payments" USING btree ("gateway","gateway_ref");--> statement-breakpoint
CREATE INDEX "payments_payments_user_created_idx" ON "payments_payments" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_payments_status_created_idx" ON "payments_payments" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_payments_created_idx" ON "payments_payments" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "payments_redemptions_coupon_idx" ON "payments_redemptions" USING btree ("coupon_id");--> statement-breakpoint
CREATE INDEX "payments_refunds_payment_idx" ON "payments_refunds" USING btree ("payment_id","created_at");