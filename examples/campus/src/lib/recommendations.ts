import { api } from "./api";

export interface RecommendedCourse {
  id: string;
  slug: string;
  title: string;
  summary: string;
  tags: string[];
  level: string;
  price: { amount: number; currency: string } | null;
  instructor: { id: string; name: string };
}

export interface Recommendation {
  course: RecommendedCourse;
  score: number;
  reasons: string[];
}

export interface PathStep {
  course: RecommendedCourse;
  reason: string;
  completed: boolean;
}

export interface AtRiskStudent {
  student: { id: string; name: string };
  risk: number;
  factors: { name: string; label: string; value: number | null; contribution: number }[];
  change: number | null;
}

export async function myRecommendations(limit = 5): Promise<Recommendation[]> {
  return (await api().get<{ items: Recommendation[] }>("/api/me/recommendations", { query: { limit } }))
    .items;
}

export async function learningPath(goal: string): Promise<{ goal: string; steps: PathStep[] }> {
  return api().get("/api/me/learning-path", { query: { goal } });
}

export async function atRisk(courseId: string): Promise<{ items: AtRiskStudent[]; threshold: number }> {
  return api().get(`/api/courses/${courseId}/at-risk`);
}
