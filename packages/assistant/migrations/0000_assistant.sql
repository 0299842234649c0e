CREATE TABLE "assistant_conversations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"course_id" uuid,
	"title" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assistant_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"course_id" uuid NOT NULL,
	"material_id" uuid,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"content_hash" text,
	"pages" integer,
	"passages" integer DEFAULT 0 NOT NULL,
	"embedding_model" text,
	"indexed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assistant_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"role" text NOT NULL,
	"content" text NOT NULL,
	"mode" text,
	"sources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assistant_passages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"document_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"material_id" uuid,
	"title" text NOT NULL,
	"page" integer,
	"position" integer NOT NULL,
	"content" text NOT NULL,
	"embedding" real[],
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, "title"), 'B') || setweight(to_tsvector('english'::regconfig, "content"), 'A')) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assistant_questions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"normalized" text NOT NULL,
	"text" text NOT NULL,
	"asked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assistant_usage" (
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"tokens" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "assistant_usage_user_id_day_pk" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
ALTER TABLE "assistant_conversations" ADD CONSTRAINT "assistant_conversations_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_messages" ADD CONSTRAINT "assistant_messages_conversation_id_assistant_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."assistant_conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_passages" ADD CONSTRAINT "assistant_passages_document_id_assistant_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."assistant_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_usage" ADD CONSTRAINT "assistant_usage_user_id_lectern_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."lectern_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assistant_conversations_user_idx" ON "assistant_conversations" USING btree ("user_id","updated_at");--> statement-breakpoint
CREATE INDEX "assistant_conversations_course_idx" ON "assistant_conversations" USING btree ("course_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assistant_documents_source_key" ON "assistant_documents" USING btree ("source");--> statement-breakpoint
CREATE INDEX "assistant_documents_course_idx" ON "assistant_documents" USING btree ("course_id");--> statement-breakpoint
CREATE INDEX "assistant_messages_conversation_idx" ON "assistant_messages" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "assistant_passages_search_idx" ON "assistant_passages" USING gin ("search");--> statement-breakpoint
CREATE INDEX "assistant_passages_course_idx" ON "assistant_passages" USING btree ("course_id");--> statement-breakpoint
CREATE INDEX "assistant_passages_document_idx" ON "assistant_passages" USING btree ("document_id","position");--> statement-breakpoint
CREATE INDEX "assistant_questions_course_idx" ON "assistant_questions" USING btree ("course_id","normalized");