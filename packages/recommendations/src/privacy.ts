import type { PrivacyHandler } from "@lectern/core";
import { asc, eq } from "drizzle-orm";
import { interests, riskScores, studentRecommendations } from "./schema.js";

/**
 * What recommendations keeps about a person: the topics they chose, the courses recommended to
 * them, and their predicted risk per course with its factors. All of it is deleted on erasure.
 * The trained models hold figures over everyone (coefficients, counts), nothing of one person.
 */
export const recommendationsPrivacy: PrivacyHandler = {
  key: "recommendations.profile",
  async export(executor, { userId }) {
    const [chosen] = await executor.select().from(interests).where(eq(interests.userId, userId));
    const [recommended] = await executor
      .select()
      .from(studentRecommendations)
      .where(eq(studentRecommendations.userId, userId));
    const risks = await executor
      .select({
        courseId: riskScores.courseId,
        risk: riskScores.risk,
        factors: riskScores.factors,
        scoredAt: riskScores.scoredAt,
      })
      .from(riskScores)
      .where(eq(riskScores.userId, userId))
      .orderBy(asc(riskScores.scoredAt));
    return {
      interests: chosen?.tags ?? [],
      recommendations: recommended ? { items: recommended.items, computedAt: recommended.computedAt } : null,
      riskScores: risks,
    };
  },
  async erase(tx, { userId }) {
    await tx.delete(interests).where(eq(interests.userId, userId));
    await tx.delete(studentRecommendations).where(eq(studentRecommendations.userId, userId));
    await tx.delete(riskScores).where(eq(riskScores.userId, userId));
  },
};
