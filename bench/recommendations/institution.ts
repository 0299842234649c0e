import type {
  CatalogCourse,
  Interaction,
  Level,
} from "../../packages/recommendations/src/recommender/index.js";

/**
 * A generated institution whose students behave the way the recommender assumes they might:
 * each has one to three interests (topics), takes courses mostly inside them, climbs from
 * beginner to advanced through declared prerequisites, sometimes strays to a popular course, and
 * completes a course more often when it is a good one. Seeded: the same numbers every run.
 */
export interface Institution {
  catalog: CatalogCourse[];
  prerequisites: Map<string, string[]>;
  interests: Map<string, string[]>;
  interactions: Interaction[];
}

const TOPICS = [
  "python",
  "statistics",
  "algebra",
  "calculus",
  "biology",
  "chemistry",
  "physics",
  "history",
  "economics",
  "marketing",
  "design",
  "writing",
  "spanish",
  "french",
  "music",
  "philosophy",
  "psychology",
  "databases",
  "networks",
  "security",
];
const LEVELS: Level[] = ["beginner", "intermediate", "advanced"];
const FLAVOURS = [
  "Foundations",
  "Practice",
  "Projects",
  "Methods",
  "Workshop",
  "Theory",
  "Applications",
  "Studio",
  "Essentials",
  "Seminar",
  "Lab",
  "Topics",
  "Clinic",
  "Bootcamp",
  "Masterclass",
];
const DAY = 86_400_000;

export function generateInstitution(
  options: { students?: number; courses?: number; seed?: number } = {},
): Institution {
  const random = rng(options.seed ?? 42);
  const studentCount = options.students ?? 5_000;
  const courseCount = options.courses ?? 300;
  const perTopic = Math.ceil(courseCount / TOPICS.length);
  const catalog: CatalogCourse[] = [];
  const quality = new Map<string, number>();
  const byTopic = new Map<string, CatalogCourse[]>();
  for (let i = 0; i < courseCount; i++) {
    const topic = TOPICS[i % TOPICS.length] as string;
    const index = Math.floor(i / TOPICS.length);
    const level = LEVELS[Math.min(2, Math.floor((index / perTopic) * 3))] as Level;
    const flavour = FLAVOURS[index % FLAVOURS.length] as string;
    const other = TOPICS[Math.floor(random() * TOPICS.length)] as string;
    const id = `c${String(i).padStart(4, "0")}`;
    const course: CatalogCourse = {
      id,
      title: `${cap(topic)} ${flavour} ${["I", "II", "III"][LEVELS.indexOf(level)]}`,
      text: `${cap(topic)} ${flavour}. A ${level} course in ${topic}, with examples from ${other}.`,
      tags: random() < 0.3 ? [topic, other] : [topic],
      level,
      instructorId: `i${i % 40}`,
      open: true,
    };
    catalog.push(course);
    quality.set(id, 0.3 + 0.7 * random() ** 2);
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), course]);
  }
  // Prerequisites: most intermediate and advanced courses need one course of the level below.
  const prerequisites = new Map<string, string[]>();
  for (const courses of byTopic.values()) {
    for (const course of courses) {
      const below = courses.filter((c) => LEVELS.indexOf(c.level) === LEVELS.indexOf(course.level) - 1);
      if (below.length && random() < 0.7) {
        prerequisites.set(course.id, [(below[Math.floor(random() * below.length)] as CatalogCourse).id]);
      }
    }
  }
  const popularity = [...catalog].sort(() => random() - 0.5);
  const interests = new Map<string, string[]>();
  const interactions: Interaction[] = [];
  const start = Date.UTC(2024, 0, 1);
  for (let s = 0; s < studentCount; s++) {
    const userId = `s${s}`;
    const mine = [
      ...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(TOPICS, random))),
    ];
    interests.set(userId, mine);
    const taken = new Set<string>();
    let at = start + Math.floor(random() * 500) * DAY;
    const length = 2 + Math.floor(random() * 8);
    for (let k = 0; k < length; k++) {
      let choice: CatalogCourse | undefined;
      if (random() < 0.8) {
        const topic = pick(mine, random);
        const open = (byTopic.get(topic) ?? []).filter(
          (c) => !taken.has(c.id) && (prerequisites.get(c.id) ?? []).every((p) => taken.has(p)),
        );
        // Lower levels first, better courses more often.
        open.sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
        const lowest = open.filter((c) => c.level === open[0]?.level);
        choice = weightedPick(lowest, (c) => quality.get(c.id) ?? 0.5, random);
      }
      if (!choice) {
        // A detour: a popular course, Zipf-like.
        const rank = Math.floor(popularity.length * random() ** 3);
        choice = popularity[rank];
      }
      if (!choice || taken.has(choice.id)) continue;
      taken.add(choice.id);
      at += (10 + Math.floor(random() * 80)) * DAY;
      interactions.push({
        userId,
        courseId: choice.id,
        at,
        completed: random() < (quality.get(choice.id) ?? 0.5),
      });
    }
  }
  return { catalog, prerequisites, interests, interactions };
}

function cap(s: string): string {
  return s[0]?.toUpperCase() + s.slice(1);
}

function pick<T>(items: T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function weightedPick<T>(items: T[], weight: (t: T) => number, random: () => number): T | undefined {
  const total = items.reduce((s, t) => s + weight(t), 0);
  let r = random() * total;
  for (const t of items) {
    r -= weight(t);
    if (r <= 0) return t;
  }
  return items[items.length - 1];
}

export function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}
