import { describe, expect, it } from "vitest";
import {
  explain,
  FEATURES,
  fitRiskModel,
  MIN_TRAINING_ROWS,
  precisionRecall,
  rocAuc,
  type StudentSignals,
  toVector,
  trainLogistic,
} from "./index.js";

/** A seeded generator so the synthetic cohorts are the same on every run. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** Students whose failure depends on marks and missed work (and not on attendance). */
function cohort(n: number, seed = 7) {
  const random = rng(seed);
  const rows: StudentSignals[] = [];
  const failed: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const marks = 30 + random() * 70;
    const missed = Math.floor(random() * 3);
    const signals: StudentSignals = {
      paceAgainstCohort: random() - 0.5,
      daysInactive: Math.floor(random() * 30),
      marksSoFar: random() < 0.1 ? null : marks,
      missedAssessments: missed,
      attendance: null,
    };
    const logit = -0.1 * (marks - 60) + 1.2 * missed - 1;
    rows.push(signals);
    failed.push(random() < 1 / (1 + Math.exp(-logit)));
  }
  return { rows, failed };
}

describe("at-risk logistic regression", () => {
  it("learns the direction of each signal and ranks held-out students well", () => {
    const train = cohort(2_000, 1);
    const model = trainLogistic(train.rows.map(toVector), train.failed);
    const w = Object.fromEntries(FEATURES.map((f, i) => [f, model.weights[i] as number]));
    expect(w.marksSoFar).toBeLessThan(-0.5);
    expect(w.missedAssessments).toBeGreaterThan(0.5);
    // Unrecorded attendance never varies: the penalty keeps its weight at zero.
    expect(w.attendance).toBe(0);
    const test = cohort(1_000, 2);
    const auc = rocAuc(
      test.rows.map((r) => explain(model, toVector(r)).risk),
      test.failed,
    );
    expect(auc).toBeGreaterThan(0.8);
  });

  it("gives the same model for the same rows, and contributions that add up to the log-odds", () => {
    const { rows, failed } = cohort(500, 3);
    const a = trainLogistic(rows.map(toVector), failed);
    const b = trainLogistic(rows.map(toVector), failed);
    expect(a).toEqual(b);
    const row = toVector(rows[0] as StudentSignals);
    const { risk, contributions } = explain(a, row);
    const logit = a.intercept + contributions.reduce((s, c) => s + c.contribution, 0);
    expect(risk).toBeCloseTo(1 / (1 + Math.exp(-logit)), 10);
  });

  it("a stronger penalty shrinks the weights", () => {
    const { rows, failed } = cohort(500, 4);
    const loose = trainLogistic(rows.map(toVector), failed, { l2: 0.01 });
    const tight = trainLogistic(rows.map(toVector), failed, { l2: 1_000 });
    const norm = (w: number[]) => Math.hypot(...w);
    expect(norm(tight.weights)).toBeLessThan(norm(loose.weights) / 2);
  });

  it("falls back to the transparent rules when the history is too small", () => {
    const { rows, failed } = cohort(MIN_TRAINING_ROWS - 1, 5);
    const model = fitRiskModel(rows.map(toVector), failed);
    expect(model.kind).toBe("rules");
    const risky = explain(
      model,
      toVector({
        paceAgainstCohort: -0.5,
        daysInactive: 20,
        marksSoFar: 20,
        missedAssessments: 2,
        attendance: null,
      }),
    );
    const fine = explain(
      model,
      toVector({
        paceAgainstCohort: 0.1,
        daysInactive: 1,
        marksSoFar: 80,
        missedAssessments: 0,
        attendance: 1,
      }),
    );
    expect(risky.risk).toBeGreaterThan(0.8);
    expect(fine.risk).toBeCloseTo(0.1);
    expect(
      fitRiskModel(
        cohort(MIN_TRAINING_ROWS * 2, 6).rows.map(toVector),
        cohort(MIN_TRAINING_ROWS * 2, 6).failed,
      ).kind,
    ).toBe("logistic");
  });
});

describe("metrics", () => {
  it("ROC-AUC counts ties as half and is 1 for a perfect ranking", () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true])).toBe(0);
    expect(rocAuc([0.5, 0.5], [true, false])).toBe(0.5);
  });

  it("precision and recall at a threshold", () => {
    const result = precisionRecall([0.9, 0.6, 0.3, 0.7], [true, false, true, true], 0.5);
    expect(result).toEqual({ precision: 2 / 3, recall: 2 / 3, flagged: 3 });
  });
});
