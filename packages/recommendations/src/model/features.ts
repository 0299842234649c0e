/**
 * The at-risk features: only signals Lectern itself records for an enrolled student, measured
 * "as of" a day in the course. The OULAD adapter (bench/at-risk) and the plugin's own data both map
 * onto this one shape, so the model trained in the bench is the model the plugin serves.
 */
export interface StudentSignals {
  /** The student's progress (0–1) minus the cohort's median progress on the same day; null when unknown. */
  paceAgainstCohort: number | null;
  /** Days since the student's last recorded activity (a submission, a completed material). */
  daysInactive: number;
  /** Mean mark (0–100) of the assessments submitted so far; null when none yet. */
  marksSoFar: number | null;
  /** Assessments already due that the student has not submitted. */
  missedAssessments: number;
  /** Share (0–1) of live sessions attended; null when attendance is not recorded. */
  attendance: number | null;
}

export const FEATURES = [
  "paceAgainstCohort",
  "daysInactive",
  "marksSoFar",
  "missedAssessments",
  "attendance",
] as const satisfies readonly (keyof StudentSignals)[];

export type FeatureName = (typeof FEATURES)[number];

/** Human labels used by the API's factors and the site's chart. */
export const FEATURE_LABELS: Record<FeatureName, string> = {
  paceAgainstCohort: "Pace against the cohort",
  daysInactive: "Days inactive",
  marksSoFar: "Marks so far",
  missedAssessments: "Missed assessments",
  attendance: "Attendance",
};

/** A feature vector; null marks a value that is unknown (imputed by the model). */
export type FeatureVector = (number | null)[];

export function toVector(signals: StudentSignals): FeatureVector {
  return FEATURES.map((name) => signals[name]);
}
