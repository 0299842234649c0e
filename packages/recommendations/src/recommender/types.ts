export const LEVEL_ORDER = { beginner: 0, intermediate: 1, advanced: 2 } as const;
export type Level = keyof typeof LEVEL_ORDER;

/** What the recommender knows of a course: the catalogue's public fields. */
export interface CatalogCourse {
  id: string;
  title: string;
  /** Title, summary and description: the text content similarity reads. */
  text: string;
  tags: string[];
  level: Level;
  instructorId: string;
  /** False for a course nobody may enrol in now (not published, or paid with no way to pay). */
  open: boolean;
}

/** One student's enrollment in a course. */
export interface Interaction {
  userId: string;
  courseId: string;
  /** When the student enrolled, in milliseconds. */
  at: number;
  completed: boolean;
}

export type NeighbourSignal = "completion" | "co-enrollment" | "content";

export interface Neighbour {
  courseId: string;
  score: number;
  /** The strongest signal that links the two courses, for the reason shown to students. */
  via: NeighbourSignal;
}

export interface Recommendation {
  courseId: string;
  score: number;
  reasons: string[];
}
