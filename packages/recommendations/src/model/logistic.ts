import { FEATURES, type FeatureName, type FeatureVector } from "./features.js";
import { solve } from "./linear-algebra.js";

/**
 * A logistic regression over standardised features with an L2 penalty, fitted by Newton's method
 * (iteratively reweighted least squares). With five features the Hessian is 6×6, so each step is
 * exact and the fit is deterministic: the same rows always give the same model.
 */
export interface LogisticModel {
  kind: "logistic";
  features: FeatureName[];
  /** Training mean of each feature: unknown values are replaced by it (contribution 0). */
  means: number[];
  /** Training standard deviation of each feature (1 when the feature never varied). */
  scales: number[];
  weights: number[];
  intercept: number;
  /** How many rows, and how many of them failed, the model was fitted on. */
  trainedOn: { rows: number; positives: number };
}

export interface TrainOptions {
  /** L2 penalty on the standardised weights (not on the intercept). */
  l2?: number;
  maxIterations?: number;
}

export const DEFAULT_L2 = 1;

export function trainLogistic(
  rows: FeatureVector[],
  labels: boolean[],
  options: TrainOptions = {},
): LogisticModel {
  if (rows.length !== labels.length) throw new Error("rows and labels differ in length");
  if (rows.length === 0) throw new Error("no rows to train on");
  const l2 = options.l2 ?? DEFAULT_L2;
  const d = FEATURES.length;
  const means: number[] = [];
  const scales: number[] = [];
  for (let j = 0; j < d; j++) {
    const known = rows.map((r) => r[j]).filter((v): v is number => v !== null && v !== undefined);
    const mean = known.length ? known.reduce((s, v) => s + v, 0) / known.length : 0;
    const variance = known.length ? known.reduce((s, v) => s + (v - mean) ** 2, 0) / known.length : 0;
    means.push(mean);
    scales.push(variance > 1e-12 ? Math.sqrt(variance) : 1);
  }
  const x = rows.map((r) => standardise(r, means, scales));
  const y = labels.map((l) => (l ? 1 : 0));
  // beta[0] is the intercept; beta[1..d] the weights.
  let beta = new Array<number>(d + 1).fill(0);
  const positives = y.reduce<number>((s, v) => s + v, 0);
  const prior = Math.min(Math.max(positives / y.length, 1e-6), 1 - 1e-6);
  beta[0] = Math.log(prior / (1 - prior));
  for (let iteration = 0; iteration < (options.maxIterations ?? 50); iteration++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < x.length; i++) {
      const xi = [1, ...(x[i] as number[])];
      const p = sigmoid(dot(beta, xi));
      const w = Math.max(p * (1 - p), 1e-9);
      const residual = (y[i] as number) - p;
      for (let a = 0; a <= d; a++) {
        gradient[a] = (gradient[a] as number) + residual * (xi[a] as number);
        const row = hessian[a] as number[];
        for (let b = 0; b <= d; b++) row[b] = (row[b] as number) + w * (xi[a] as number) * (xi[b] as number);
      }
    }
    for (let a = 1; a <= d; a++) {
      gradient[a] = (gradient[a] as number) - l2 * (beta[a] as number);
      (hessian[a] as number[])[a] = ((hessian[a] as number[])[a] as number) + l2;
    }
    // A feature that never varies has an all-zero column: the penalty keeps the system solvable.
    const step = solve(hessian, gradient);
    beta = beta.map((b, i) => b + (step[i] as number));
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return {
    kind: "logistic",
    features: [...FEATURES],
    means,
    scales,
    weights: beta.slice(1),
    intercept: beta[0] as number,
    trainedOn: { rows: rows.length, positives },
  };
}

/** One feature's value and its share of the log-odds against the training data's average student. */
export interface Contribution {
  name: FeatureName;
  value: number | null;
  contribution: number;
}

export interface Explanation {
  risk: number;
  contributions: Contribution[];
}

export function explainLogistic(model: LogisticModel, row: FeatureVector): Explanation {
  const z = standardise(row, model.means, model.scales);
  let logit = model.intercept;
  const contributions = model.features.map((name, j) => {
    const contribution = (model.weights[j] as number) * (z[j] as number);
    logit += contribution;
    return { name, value: row[j] ?? null, contribution };
  });
  return { risk: sigmoid(logit), contributions };
}

export function predictLogistic(model: LogisticModel, row: FeatureVector): number {
  return explainLogistic(model, row).risk;
}

function standardise(row: FeatureVector, means: number[], scales: number[]): number[] {
  return means.map((mean, j) => {
    const v = row[j];
    return v === null || v === undefined ? 0 : (v - mean) / (scales[j] as number);
  });
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
