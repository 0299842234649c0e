import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StudentSignals } from "../../packages/recommendations/src/model/index.js";

/**
 * The one adapter from OULAD's CSV files onto Lectern's at-risk signals, as of day `day` of each
 * presentation. Only what was known that day is used: submissions made by then, assessments due
 * by then. OULAD has no attendance, so that signal is unknown (null) here.
 *
 * - pace against the cohort: share of the module's assessments submitted by `day`, minus the
 *   median share of that module-presentation's students (Lectern: enrollment progress vs cohort);
 * - days inactive: `day` minus the last submission (or the registration, or the start);
 * - marks so far: mean score of the submissions made by `day`;
 * - missed assessments: assessments due by `day` with no submission by `day`.
 */
export interface OuladStudent {
  key: string;
  module: string;
  failed: boolean;
  signals: StudentSignals;
}

export function loadOulad(folder: string, day: number | "end"): OuladStudent[] {
  const courses = readCsv(join(folder, "courses.csv"));
  const assessments = readCsv(join(folder, "assessments.csv")).filter((a) => a.assessment_type !== "Exam");
  const info = readCsv(join(folder, "studentInfo.csv"));
  const registrations = readCsv(join(folder, "studentRegistration.csv"));
  const submissions = readCsv(join(folder, "studentAssessment.csv"));

  const lengthOf = new Map(courses.map((c) => [presentation(c), Number(c.module_presentation_length)]));
  const assessmentsOf = new Map<string, { id: string; due: number }[]>();
  const presentationOfAssessment = new Map<string, string>();
  for (const a of assessments) {
    const key = presentation(a);
    const due = a.date === "" ? (lengthOf.get(key) ?? 0) : Number(a.date);
    assessmentsOf.set(key, [...(assessmentsOf.get(key) ?? []), { id: a.id_assessment as string, due }]);
    presentationOfAssessment.set(a.id_assessment as string, key);
  }
  const registeredOn = new Map(
    registrations.map((r) => [`${presentation(r)}|${r.id_student}`, r.date_registration]),
  );
  const submitted = new Map<string, { assessment: string; day: number; score: number | null }[]>();
  for (const s of submissions) {
    const key = presentationOfAssessment.get(s.id_assessment as string);
    if (!key) continue; // an exam or an assessment of another presentation
    const studentKey = `${key}|${s.id_student}`;
    const score = s.score === "" ? null : Number(s.score);
    submitted.set(studentKey, [
      ...(submitted.get(studentKey) ?? []),
      { assessment: s.id_assessment as string, day: Number(s.date_submitted), score },
    ]);
  }

  const students = info
    .filter((s) => s.final_result !== "Withdrawn")
    .map((s) => {
      const key = presentation(s);
      const asOf = day === "end" ? (lengthOf.get(key) ?? 0) : day;
      const studentKey = `${key}|${s.id_student}`;
      const own = (submitted.get(studentKey) ?? []).filter((x) => x.day <= asOf);
      const all = assessmentsOf.get(key) ?? [];
      const doneIds = new Set(own.map((x) => x.assessment));
      const scores = own.map((x) => x.score).filter((x): x is number => x !== null);
      const registered = Number(registeredOn.get(studentKey) || 0);
      const lastActive = Math.max(0, registered, ...own.map((x) => x.day));
      return {
        key: studentKey,
        module: key,
        failed: s.final_result === "Fail",
        progress: all.length ? doneIds.size / all.length : 0,
        signals: {
          paceAgainstCohort: 0,
          daysInactive: Math.max(0, asOf - lastActive),
          marksSoFar: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
          missedAssessments: all.filter((a) => a.due <= asOf && !doneIds.has(a.id)).length,
          attendance: null,
        },
      };
    });
  const cohortMedian = new Map<string, number>();
  for (const key of new Set(students.map((s) => s.module))) {
    cohortMedian.set(key, median(students.filter((s) => s.module === key).map((s) => s.progress)));
  }
  return students.map(({ progress, ...s }) => ({
    ...s,
    signals: { ...s.signals, paceAgainstCohort: progress - (cohortMedian.get(s.module) ?? 0) },
  }));
}

function presentation(row: Record<string, string>): string {
  return `${row.code_module}|${row.code_presentation}`;
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A small CSV reader: OULAD's files have a header row and no quoted commas. */
export function readCsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const header = (lines.shift() ?? "").split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
  return lines.map((line) => {
    const cells = line.split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
}
