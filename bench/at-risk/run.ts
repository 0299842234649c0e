/**
 * At-risk model on real records (OULAD). Trains the plugin's own model code on one folder of OULAD
 * CSV files and scores another, using only what was known by day n; or cross-validates inside one
 * folder at days 60, 120 and the end of the presentation. The transparent rules the plugin uses
 * before it has enough history are measured in the same run as the baseline.
 *
 *   npx tsx bench/at-risk/run.ts --train <folder> --test <folder> --day <n|end> [--snapshots]
 *   npx tsx bench/at-risk/run.ts --cv <folder> [--folds 5] [--seed 1]
 *       (day-matched models, then one model trained on pooled snapshots as the plugin trains it)
 *   npx tsx bench/at-risk/run.ts --by-module <folder> [--day 120]   (train on the other modules)
 */
import { parseArgs } from "node:util";
import {
  explain,
  fitRiskModel,
  precisionRecall,
  RISK_THRESHOLD,
  rocAuc,
  rulesModel,
  SNAPSHOT_DAYS,
  toVector,
} from "../../packages/recommendations/src/model/index.js";
import { loadOulad, type OuladStudent } from "./oulad.js";

const { values } = parseArgs({
  options: {
    train: { type: "string" },
    test: { type: "string" },
    day: { type: "string" },
    cv: { type: "string" },
    folds: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    "by-module": { type: "string" },
    snapshots: { type: "boolean", default: false },
  },
});

interface Scores {
  auc: number;
  precision: number;
  recall: number;
  baselineAuc: number;
}

/** The days the plugin snapshots a finished enrollment at, besides its end (`SNAPSHOT_DAYS`). */
const POOLED_DAYS = [...SNAPSHOT_DAYS, "end"] as const;

function evaluate(train: OuladStudent[], test: OuladStudent[]): Scores {
  const model = fitRiskModel(
    train.map((s) => toVector(s.signals)),
    train.map((s) => s.failed),
  );
  if (model.kind !== "logistic") throw new Error("too little training history for a model");
  const labels = test.map((s) => s.failed);
  const risk = test.map((s) => explain(model, toVector(s.signals)).risk);
  const baseline = test.map((s) => explain(rulesModel(), toVector(s.signals)).risk);
  const { precision, recall } = precisionRecall(risk, labels, RISK_THRESHOLD);
  return { auc: rocAuc(risk, labels), precision, recall, baselineAuc: rocAuc(baseline, labels) };
}

function parseDay(raw: string | undefined): number | "end" {
  if (raw === undefined || raw === "end") return "end";
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--day must be a whole number of days or "end", not ${raw}`);
  return n;
}

function line(label: string, s: Scores, spread?: number): string {
  const sd = spread === undefined ? "" : ` ± ${spread.toFixed(3)}`;
  return `${label.padEnd(10)} ROC-AUC ${s.auc.toFixed(3)}${sd}  precision@${RISK_THRESHOLD} ${s.precision.toFixed(3)}  recall@${RISK_THRESHOLD} ${s.recall.toFixed(3)}  rules baseline AUC ${s.baselineAuc.toFixed(3)}  (×${(s.auc / s.baselineAuc).toFixed(2)})`;
}

/** Folds stratified by outcome, from a seeded shuffle, so the figures are reproducible. */
function folds(students: OuladStudent[], k: number, seed: number): number[] {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const assignment = new Array<number>(students.length).fill(0);
  for (const outcome of [true, false]) {
    const idx = students.map((s, i) => (s.failed === outcome ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
    }
    idx.forEach((studentIndex, n) => {
      assignment[studentIndex] = n % k;
    });
  }
  return assignment;
}

if (values.cv) {
  const k = Number(values.folds);
  const folder = values.cv;
  console.log(`At-risk model, ${k}-fold cross-validation inside ${folder} (threshold ${RISK_THRESHOLD})`);
  const byDay = new Map(
    [...new Set<number | "end">([60, 120, ...POOLED_DAYS])].map((day) => [day, loadOulad(folder, day)]),
  );
  // Folds by student, the same at every day: a student's snapshots never sit on both sides.
  const endStudents = byDay.get("end")!;
  const assignment = folds(endStudents, k, Number(values.seed));
  const foldOf = new Map(endStudents.map((s, i) => [s.key, assignment[i]!]));
  const crossValidate = (label: string, trainOn: (f: number) => OuladStudent[], day: 60 | 120 | "end") => {
    const students = byDay.get(day)!;
    const results: Scores[] = [];
    for (let f = 0; f < k; f++)
      results.push(
        evaluate(
          trainOn(f),
          students.filter((s) => foldOf.get(s.key) === f),
        ),
      );
    const mean = (pick: (s: Scores) => number) => results.reduce((s, r) => s + pick(r), 0) / results.length;
    const auc = mean((r) => r.auc);
    const sd = Math.sqrt(results.reduce((s, r) => s + (r.auc - auc) ** 2, 0) / results.length);
    const summary = {
      auc,
      precision: mean((r) => r.precision),
      recall: mean((r) => r.recall),
      baselineAuc: mean((r) => r.baselineAuc),
    };
    console.log(line(label, summary, sd));
  };
  console.log("a model per day, trained on what was known that day:");
  for (const day of [60, 120, "end"] as const)
    crossValidate(
      day === "end" ? "full" : `day ${day}`,
      (f) => byDay.get(day)!.filter((s) => foldOf.get(s.key) !== f),
      day,
    );
  console.log(`one model, trained on snapshots at days ${POOLED_DAYS.join(", ")} (as the plugin trains it):`);
  const pooled = (f: number) =>
    POOLED_DAYS.flatMap((day) => byDay.get(day)!.filter((s) => foldOf.get(s.key) !== f));
  for (const day of [60, 120, "end"] as const)
    crossValidate(day === "end" ? "full" : `day ${day}`, pooled, day);
  console.log("one model, trained on the end of the course only (before snapshots):");
  for (const day of [60, 120, "end"] as const)
    crossValidate(
      day === "end" ? "full" : `day ${day}`,
      (f) => endStudents.filter((s) => foldOf.get(s.key) !== f),
      day,
    );
} else if (values["by-module"]) {
  // Each module in turn is held out: the model never saw its assessments, its cohort or its marks.
  const day = parseDay(values.day ?? "120");
  const students = loadOulad(values["by-module"], day);
  console.log(
    `At-risk model, leave-one-module-out inside ${values["by-module"]} (threshold ${RISK_THRESHOLD})`,
  );
  for (const module of [...new Set(students.map((s) => s.module))].sort()) {
    const result = evaluate(
      students.filter((s) => s.module !== module),
      students.filter((s) => s.module === module),
    );
    console.log(line(`${module.split("|")[0]} d${day}`, result));
  }
} else if (values.train && values.test) {
  const day = parseDay(values.day);
  const train = values.train;
  // --snapshots: the plugin's way, one model from snapshots at several days of each enrollment.
  const rows = values.snapshots ? POOLED_DAYS.flatMap((d) => loadOulad(train, d)) : loadOulad(train, day);
  const result = evaluate(rows, loadOulad(values.test, day));
  console.log(
    `At-risk model trained on ${train}${values.snapshots ? ` (snapshots at ${POOLED_DAYS.join(", ")})` : ""}, tested on ${values.test}`,
  );
  console.log(line(day === "end" ? "full" : `day ${day}`, result));
} else {
  console.error("usage: run.ts --train <folder> --test <folder> --day <n|end>  |  run.ts --cv <folder>");
  process.exit(2);
}
