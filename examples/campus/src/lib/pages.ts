import { api } from "./api";
import type { Page } from "./types";

/** Every item of a paged list (up to `max`), following `nextCursor`. */
export async function allPages<T>(
  path: string,
  query: Record<string, string | number | undefined> = {},
  max = 1000,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await api().get<Page<T>>(path, {
      query: { ...query, limit: 100, cursor: cursor ?? undefined },
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
