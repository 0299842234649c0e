export { type BuildOptions, buildRecommender, mostPopular, type RecommenderModel } from "./build.js";
export { contentNeighbours, tokens } from "./content.js";
export { findCycle, learningPath, type PathStep } from "./path.js";
export { type RecommendContext, recommendFor, type StudentInput } from "./recommend.js";
export * from "./types.js";
