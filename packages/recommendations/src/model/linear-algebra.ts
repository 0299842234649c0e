/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and square). */
export function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs(at(a, row, col)) > Math.abs(at(a, pivot, col))) pivot = row;
    }
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const p = at(a, col, col);
    if (Math.abs(p) < 1e-12) throw new Error("singular system");
    for (let row = col + 1; row < n; row++) {
      const factor = at(a, row, col) / p;
      for (let k = col; k <= n; k++) (a[row] as number[])[k] = at(a, row, k) - factor * at(a, col, k);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = at(a, row, n);
    for (let k = row + 1; k < n; k++) sum -= at(a, row, k) * (x[k] as number);
    x[row] = sum / at(a, row, row);
  }
  return x;
}

function at(a: number[][], row: number, col: number): number {
  return (a[row] as number[])[col] as number;
}
