import { type CatalogCourse, LEVEL_ORDER } from "./types.js";

/**
 * The first cycle among prerequisite edges (course → its prerequisites), as a closed list of ids,
 * searched from `start` first so a cycle through the course being edited is named from it.
 */
export function findCycle(edges: Map<string, string[]>, start?: string): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === "done") return null;
    if (state.get(id) === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, "done");
    return null;
  };
  for (const id of start ? [start, ...edges.keys()] : edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}

export interface PathStep {
  courseId: string;
  reason: string;
  completed: boolean;
}

/**
 * An ordered path to a goal: the goal courses (one course, or every open course with the tag)
 * and, before them, everything they require, transitively. Prerequisites come before the courses
 * that need them; otherwise lower levels come first. Completed courses are skipped; a completed
 * goal course is the one step left, marked completed.
 */
export function learningPath(input: {
  goals: string[];
  goalLabel: string;
  catalog: Map<string, CatalogCourse>;
  prerequisites: Map<string, string[]>;
  completed: Set<string>;
  enrolled: Set<string>;
}): PathStep[] {
  const { catalog, prerequisites, completed } = input;
  const neededBy = new Map<string, string>();
  const include = new Set<string>();
  const collect = (id: string) => {
    if (include.has(id)) return;
    include.add(id);
    for (const p of prerequisites.get(id) ?? []) {
      if (!neededBy.has(p)) neededBy.set(p, id);
      collect(p);
    }
  };
  for (const g of input.goals) collect(g);
  const goals = new Set(input.goals);
  const level = (id: string) => LEVEL_ORDER[catalog.get(id)?.level ?? "beginner"];
  const title = (id: string) => catalog.get(id)?.title ?? "the next course";

  // Kahn's algorithm over the included courses, picking the lowest level (then title) first.
  const remaining = new Map(
    [...include].map((id) => [id, (prerequisites.get(id) ?? []).filter((p) => include.has(p)).length]),
  );
  const ordered: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, n]) => n === 0).map(([id]) => id);
    if (ready.length === 0) break; // a cycle; prerequisites are checked for cycles when saved
    ready.sort((a, b) => level(a) - level(b) || title(a).localeCompare(title(b)));
    const next = ready[0] as string;
    ordered.push(next);
    remaining.delete(next);
    for (const [id] of remaining) {
      if ((prerequisites.get(id) ?? []).includes(next)) remaining.set(id, (remaining.get(id) as number) - 1);
    }
  }
  const steps: PathStep[] = [];
  for (const id of ordered) {
    if (completed.has(id)) continue;
    const reason = goals.has(id)
      ? input.enrolled.has(id)
        ? `You are taking this now: it covers ${input.goalLabel}`
        : input.goals.length > 1
          ? `Covers ${input.goalLabel} at ${catalog.get(id)?.level ?? "beginner"} level`
          : "Your goal"
      : input.enrolled.has(id)
        ? `You are taking this now; it comes before ${title(neededBy.get(id) ?? "")}`
        : `Needed before ${title(neededBy.get(id) ?? "")}`;
    steps.push({ courseId: id, reason, completed: false });
  }
  if (steps.length === 0 && input.goals.length === 1 && completed.has(input.goals[0] as string)) {
    steps.push({
      courseId: input.goals[0] as string,
      reason: "You have completed this goal",
      completed: true,
    });
  }
  return steps;
}
