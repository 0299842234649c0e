import { FEATURES, type FeatureName, type FeatureVector } from "./features.js";
import type { Explanation } from "./logistic.js";

/**
 * Transparent rules used until the institution has enough finished enrollments to fit a model.
 * Each rule adds a fixed amount of risk, so an instructor can check the score by hand:
 * risk = 0.1 + the sum of the rules that apply, capped at 0.95.
 */
export interface RulesModel {
  kind: "rules";
  features: FeatureName[];
}

export const RULES: Record<FeatureName, { applies: (v: number) => boolean; adds: number; rule: string }> = {
  paceAgainstCohort: {
    applies: (v) => v <= -0.2,
    adds: 0.2,
    rule: "20 points or more behind the cohort's progress",
  },
  daysInactive: { applies: (v) => v >= 14, adds: 0.2, rule: "no activity for 14 days or more" },
  marksSoFar: { applies: (v) => v < 40, adds: 0.3, rule: "mean mark under 40%" },
  missedAssessments: { applies: (v) => v >= 1, adds: 0.25, rule: "at least one assessment missed" },
  attendance: { applies: (v) => v < 0.5, adds: 0.15, rule: "attended under half the live sessions" },
};

export const RULES_BASE_RISK = 0.1;

export function rulesModel(): RulesModel {
  return { kind: "rules", features: [...FEATURES] };
}

export function explainRules(row: FeatureVector): Explanation {
  let risk = RULES_BASE_RISK;
  const contributions = FEATURES.map((name, j) => {
    const value = row[j] ?? null;
    const adds = value !== null && RULES[name].applies(value) ? RULES[name].adds : 0;
    risk += adds;
    return { name, value, contribution: adds };
  });
  return { risk: Math.min(risk, 0.95), contributions };
}
