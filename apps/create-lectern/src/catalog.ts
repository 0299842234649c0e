/**
 * The first-party plugins a new project can start with: what to install, what to import, and how
 * the generated `lectern.config.ts` calls each one. Every choice works offline with no account
 * (manual payments, Jitsi); the generated config shows where Stripe, Zoom or a model go later.
 */
export interface PluginChoice {
  /** What a person types: `--plugins exams,certificates`. */
  id: string;
  summary: string;
  /** npm packages the project depends on for this choice. */
  packages: string[];
  imports: string[];
  /** The expression in the config's `plugins` array. */
  call: string;
  /** Other choices this one needs (added automatically). */
  needs: string[];
}

export const CHOICES: readonly PluginChoice[] = [
  {
    id: "courses",
    summary: "catalog, approval workflow, materials, enrollment and progress (always installed)",
    packages: ["@lectern/courses"],
    imports: ['import { courses } from "@lectern/courses";'],
    call: "courses()",
    needs: [],
  },
  {
    id: "exams",
    summary: "quiz builder, timed attempts, auto-grading, GIFT/Aiken import",
    packages: ["@lectern/exams"],
    imports: ['import { exams } from "@lectern/exams";'],
    call: "exams()",
    needs: ["courses"],
  },
  {
    id: "certificates",
    summary: "certificates on completion, approved by an admin, mailed and verifiable",
    packages: ["@lectern/certificates"],
    imports: ['import { certificates } from "@lectern/certificates";'],
    call: "certificates({ institution: { name: INSTITUTION } })",
    needs: ["courses"],
  },
  {
    id: "payments",
    summary: "paid courses: bank transfer out of the box; add @lectern/stripe or @lectern/paypal later",
    packages: ["@lectern/payments"],
    imports: ['import { manual, payments } from "@lectern/payments";'],
    call: `payments({
      gateways: [
        manual({ instructions: "Transfer {amount} quoting {reference}; an admin confirms the payment." }),
      ],
      institution: { name: INSTITUTION },
    })`,
    needs: ["courses"],
  },
  {
    id: "live-classes",
    summary: "live classes on Jitsi (no account needed); Zoom, Meet and BigBlueButton as plugins",
    packages: ["@lectern/live-classes", "@lectern/jitsi"],
    imports: [
      'import { jitsi } from "@lectern/jitsi";',
      'import { liveClasses } from "@lectern/live-classes";',
    ],
    call: "liveClasses({ providers: [jitsi()] })",
    needs: ["courses"],
  },
  {
    id: "attendance",
    summary: "daily and per-class attendance, reports and low-attendance alerts",
    packages: ["@lectern/attendance"],
    imports: ['import { attendance } from "@lectern/attendance";'],
    call: "attendance()",
    needs: ["courses"],
  },
  {
    id: "recommendations",
    summary: "course recommendations with reasons, learning paths, at-risk warnings",
    packages: ["@lectern/recommendations"],
    imports: ['import { recommendations } from "@lectern/recommendations";'],
    call: "recommendations()",
    needs: ["courses"],
  },
  {
    id: "assistant",
    summary: "a course Q&A assistant answering from the course's materials, with sources",
    packages: ["@lectern/assistant"],
    imports: ['import { assistant } from "@lectern/assistant";'],
    call: "assistant()",
    needs: ["courses"],
  },
];

/** What a project gets when nobody chooses: the heart of a campus. */
export const DEFAULT_CHOICES = ["courses", "exams", "certificates"];

/**
 * The chosen ids, with what they need added, in the catalog's order (dependencies first).
 * Unknown ids are an error that lists the known ones.
 */
export function resolveChoices(ids: readonly string[]): PluginChoice[] {
  const known = new Map(CHOICES.map((choice) => [choice.id, choice]));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown plugin${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}. Choose from: ${CHOICES.map((c) => c.id).join(", ")}.`,
    );
  }
  const wanted = new Set<string>(["courses"]);
  const add = (id: string) => {
    if (wanted.has(id) && id !== "courses") return;
    wanted.add(id);
    for (const need of known.get(id)!.needs) add(need);
  };
  for (const id of ids) add(id);
  return CHOICES.filter((choice) => wanted.has(choice.id));
}
