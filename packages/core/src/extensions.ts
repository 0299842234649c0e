import type { SQL } from "drizzle-orm";
import type { z } from "zod";
import type { AnalyticsSource } from "./analytics.js";
import type { Executor, Transaction } from "./db/index.js";
import type { ImportEnrollment } from "./imports/service.js";
import type { NotificationKind } from "./notifications/kinds.js";

/**
 * Every extension point, by its full name (`<pluginId>.<name>`), and the contract of what may be
 * contributed to it. The plugin that owns a point adds it by declaration merging:
 * `declare module "@lectern/core" { interface LecternExtensionPoints { "courses.completionRules": CompletionRule } }`.
 * A point's contract is one value; a plugin contributes one value or an array of them.
 */
export interface LecternExtensionPoints {
  /** Query parameters of `GET /api/admin/users`, e.g. `?course=`. */
  "core.userFilters": UserFilter;
  /** A plugin's figures for the admin dashboard (`GET /api/admin/analytics`). */
  "core.analytics": AnalyticsSource;
  /** Kinds of notification a plugin sends, so people can choose how they hear of each. */
  "core.notificationKinds": NotificationKind;
  /** Subcommands of the `lectern` command (`lectern certificates approve …`). */
  "core.cliCommands": CliCommand;
  /** Sections of one student's report (marks, attendance, certificates …). */
  "core.studentReport": StudentReportSection;
  /** What a plugin keeps about a person: exported on request, erased when the account is. */
  "core.privacy": PrivacyHandler;
  /** Enrolls users imported from CSV in the courses their row lists (the courses plugin gives it). */
  "core.userImportEnrollment": ImportEnrollment;
}

export type ExtensionPointName = keyof LecternExtensionPoints;

/** A point as its owner declares it in `extensionPoints`; the schema, when given, checks each contribution at boot. */
export interface ExtensionPoint<T = unknown> {
  readonly kind: "lectern.extensionPoint";
  readonly schema?: z.ZodType;
  /** Only for typing; never set. */
  readonly __contract?: T;
  readonly description?: string;
}

/** Declares an extension point: `extensionPoints: { completionRules: extensionPoint<CompletionRule>() }`. */
export function extensionPoint<T>(
  options: { schema?: z.ZodType; description?: string } = {},
): ExtensionPoint<T> {
  return { kind: "lectern.extensionPoint", ...options };
}

/** What a plugin's `contributes` returns: per point, one value or several. */
export type Contributions = {
  [K in ExtensionPointName]?: LecternExtensionPoints[K] | readonly LecternExtensionPoints[K][];
};

/** One contribution as the point's owner reads it. */
export interface Contribution<T> {
  pluginId: string;
  value: T;
}

/** A query parameter another plugin adds to the admin user list, e.g. `?course=`. */
export interface UserFilter {
  name: string;
  schema: z.ZodType;
  description?: string;
  /** The condition on `lectern_users` for a given value; a subquery through the plugin's own service. */
  where: (value: never) => SQL;
}

/** A kind of notification (`exams.published`): who gets it and what it says; see notifications/kinds.ts. */
export type { NotificationKind } from "./notifications/kinds.js";

/** What the `lectern` command hands a plugin's subcommand. */
export interface CliIO {
  log(line: string): void;
  /** True when a person watches a terminal (progress bars make sense). */
  interactive: boolean;
  /** A progress bar on a terminal, periodic lines otherwise. */
  progress(total: number, label: string): { update(done: number, detail?: string): void; stop(): void };
}

/** A subcommand of `lectern`, e.g. `certificates` (`lectern certificates approve --course …`). */
export interface CliCommand {
  name: string;
  /** One or more lines for `lectern help`, e.g. `certificates approve --course <id> [--admin <email>]`. */
  usage: string;
  summary: string;
  /**
   * Runs the subcommand in a booted Lectern (no job worker; the command runs jobs itself when it
   * needs them). Returns the exit code. Throw an Error with a human message for bad input.
   */
  run(input: { args: string[]; lectern: import("./lectern.js").Lectern; io: CliIO }): Promise<number>;
}

/** A section of one student's report; `load` returns JSON for the section, or null when it has nothing. */
export interface StudentReportSection {
  /** Namespaced by the plugin, e.g. `exams.marks`. */
  key: string;
  title: string;
  load(executor: Executor, input: { userId: string; courseId?: string }): Promise<unknown>;
}

/** A plugin's part of a person's data export and erasure. */
export interface PrivacyHandler {
  /** Namespaced by the plugin, e.g. `exams.attempts`. */
  key: string;
  /** JSON of everything this plugin keeps about the person. */
  export(executor: Executor, input: { userId: string }): Promise<unknown>;
  /**
   * Deletes or anonymises it, inside the erasure's transaction (every plugin's, then the core's
   * account). `email` and `name` are the account's before erasure, for text that holds them.
   */
  erase(tx: Transaction, input: { userId: string; email?: string; name?: string }): Promise<void>;
}

/** The core's own points; their owner is `core`. */
export const CORE_EXTENSION_POINTS: Record<string, ExtensionPoint> = {
  userFilters: extensionPoint<UserFilter>(),
  analytics: extensionPoint<AnalyticsSource>(),
  notificationKinds: extensionPoint<NotificationKind>(),
  cliCommands: extensionPoint<CliCommand>(),
  studentReport: extensionPoint<StudentReportSection>(),
  privacy: extensionPoint<PrivacyHandler>(),
  userImportEnrollment: extensionPoint<ImportEnrollment>(),
};
