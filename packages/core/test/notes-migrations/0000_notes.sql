CREATE TABLE "notes_items" ("id" uuid PRIMARY KEY NOT NULL, "text" text NOT NULL);
