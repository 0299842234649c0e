/** ROC-AUC as the probability that a random positive outranks a random negative (ties count ½). */
export function rocAuc(scores: number[], labels: boolean[]): number {
  const order = scores.map((s, i) => ({ s, y: labels[i] as boolean })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as { s: number }).s === (order[i] as { s: number }).s) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if ((order[k] as { y: boolean }).y) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function precisionRecall(
  scores: number[],
  labels: boolean[],
  threshold: number,
): { precision: number; recall: number; flagged: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const flagged = s >= threshold;
    if (flagged && labels[i]) tp++;
    else if (flagged) fp++;
    else if (labels[i]) fn++;
  });
  return {
    precision: tp + fp ? tp / (tp + fp) : 0,
    recall: tp + fn ? tp / (tp + fn) : 0,
    flagged: tp + fp,
  };
}
