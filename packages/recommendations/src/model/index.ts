import type { FeatureVector } from "./features.js";
import {
  type Explanation,
  explainLogistic,
  type LogisticModel,
  type TrainOptions,
  trainLogistic,
} from "./logistic.js";
import { explainRules, type RulesModel, rulesModel } from "./rules.js";

export * from "./features.js";
export * from "./logistic.js";
export * from "./metrics.js";
export * from "./rules.js";

export type RiskModel = LogisticModel | RulesModel;

/** Students whose predicted risk reaches this are flagged to their instructor. */
export const RISK_THRESHOLD = 0.4;

/**
 * Days into an enrollment at which the training job also takes a finished enrollment's signals
 * "as they stood then", besides at its end: the one model then serves students at any point of a
 * course, not only at the end it was fitted on.
 */
export const SNAPSHOT_DAYS = [30, 60, 90, 120] as const;

/** Below this many finished enrollments (or this many failures) the transparent rules serve. */
export const MIN_TRAINING_ROWS = 200;
export const MIN_TRAINING_POSITIVES = 20;

export function explain(model: RiskModel, row: FeatureVector): Explanation {
  return model.kind === "logistic" ? explainLogistic(model, row) : explainRules(row);
}

/**
 * The one entry point the plugin's training job and the bench share: a logistic regression when
 * the history is large enough, the transparent rules otherwise.
 */
export function fitRiskModel(rows: FeatureVector[], failed: boolean[], options?: TrainOptions): RiskModel {
  return enoughHistory(failed) ? trainLogistic(rows, failed, options) : rulesModel();
}

/** Whether these outcomes (one per finished enrollment) are enough history to fit a model on. */
export function enoughHistory(failed: boolean[]): boolean {
  const positives = failed.filter(Boolean).length;
  const negatives = failed.length - positives;
  return (
    failed.length >= MIN_TRAINING_ROWS &&
    positives >= MIN_TRAINING_POSITIVES &&
    negatives >= MIN_TRAINING_POSITIVES
  );
}
