/**
 * The k entries with the highest score, best first, without sorting everything: a popular course
 * co-occurs with thousands of others, and only the top few dozen are kept.
 */
export function topK<T>(items: Iterable<T>, k: number, score: (item: T) => number): T[] {
  const best: { item: T; s: number }[] = [];
  for (const item of items) {
    const s = score(item);
    if (best.length === k && s <= (best[k - 1] as { s: number }).s) continue;
    let at = best.length;
    while (at > 0 && (best[at - 1] as { s: number }).s < s) at--;
    best.splice(at, 0, { item, s });
    if (best.length > k) best.pop();
  }
  return best.map((b) => b.item);
}
