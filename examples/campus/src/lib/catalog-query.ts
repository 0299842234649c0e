import type { CourseSummary } from "./types";

/**
 * What the catalog API does not do (yet): sort orders and a free/paid filter. The page asks for
 * every match (a catalog of a few hundred courses at most) and does these here. "Did you mean" is
 * the API's: an empty search answers with a `suggestion` (pg_trgm on PostgreSQL).
 */
export const SORTS = { newest: "Newest", popular: "Most popular", price: "Price, lowest first" } as const;
export type Sort = keyof typeof SORTS;
export const PRICES = { "": "Free and paid", free: "Free", paid: "Paid" } as const;
export type PriceFilter = keyof typeof PRICES;

export const isSort = (value: string): value is Sort => value in SORTS;
export const isPriceFilter = (value: string): value is PriceFilter => value in PRICES;

/** Newest is the API's own order; popular by enrollments; price with free courses first. */
export function sortAndFilter(items: CourseSummary[], sort: Sort, price: PriceFilter): CourseSummary[] {
  const amount = (c: CourseSummary) => c.price?.amount ?? 0;
  const kept = items.filter((c) =>
    price === "free" ? amount(c) === 0 : price === "paid" ? amount(c) > 0 : true,
  );
  if (sort === "popular") return [...kept].sort((a, b) => b.enrolledCount - a.enrolledCount);
  if (sort === "price") return [...kept].sort((a, b) => amount(a) - amount(b));
  return kept;
}
