import type { Api, Problem } from "./api";
import { LecternApiError } from "./api";
import type { CourseSummary, Page } from "./types";

export interface CampusFigures {
  courses: number;
  enrollments: number;
  instructors: number;
  subjects: number;
}

export interface Showcase {
  popular: CourseSummary[];
  newest: CourseSummary[];
  subjects: { tag: string; count: number }[];
  figures: CampusFigures;
  problem: Problem | null;
}

/** Everything the home page shows, from the public catalog (a few pages at most). */
export async function loadShowcase(api: Api): Promise<Showcase> {
  const all: CourseSummary[] = [];
  let problem: Problem | null = null;
  try {
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const result: Page<CourseSummary> = await api.get<Page<CourseSummary>>("/api/courses", {
        query: { limit: 100, cursor },
      });
      all.push(...result.items);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
  } catch (error) {
    if (!(error instanceof LecternApiError)) throw error;
    problem = error.problem;
  }
  const tagCounts = new Map<string, number>();
  for (const course of all)
    for (const tag of new Set(course.tags.map((t) => t.trim().toLowerCase())))
      tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
  return {
    newest: all.slice(0, 8),
    popular: [...all].sort((a, b) => b.enrolledCount - a.enrolledCount).slice(0, 4),
    subjects: [...tagCounts]
      .map(([tag, count]) => ({ tag, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 10),
    figures: {
      courses: all.length,
      enrollments: all.reduce((sum, c) => sum + c.enrolledCount, 0),
      instructors: new Set(all.map((c) => c.instructor.id)).size,
      // A subject is a tag several courses share; one course's keywords are not subjects.
      subjects: [...tagCounts.values()].filter((count) => count >= 2).length,
    },
    problem,
  };
}

/** Below these, a figure says "small" more than it informs: the band leaves it out. */
const FLATTERING: Record<keyof CampusFigures, number> = {
  courses: 3,
  enrollments: 25,
  instructors: 3,
  subjects: 3,
};

/** The figures worth showing, in order; the band shows none unless at least two qualify. */
export function figuresToShow(figures: CampusFigures): { value: number; label: string }[] {
  const shown = (["courses", "enrollments", "instructors", "subjects"] as const)
    .filter((key) => figures[key] >= FLATTERING[key])
    .map((key) => ({ value: figures[key], label: key }));
  return shown.length >= 2 ? shown : [];
}
