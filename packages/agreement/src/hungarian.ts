/** Result of {@link linearSumAssignment}: row i = rowIndices[k] is assigned column colIndices[k]. */
export interface Assignment {
  /** Ascending row indices (like scipy's `row_ind`). */
  readonly rowIndices: number[];
  readonly colIndices: number[];
  /** Sum of the assigned entries of the input matrix. */
  readonly total: number;
}

export interface AssignmentOptions {
  /** Maximise the total instead of minimising it (scipy's `maximize=True`). */
  readonly maximize?: boolean;
}

/**
 * Rectangular linear sum assignment (the problem scipy.optimize.linear_sum_assignment solves):
 * assigns min(rows, cols) rows to distinct columns with the least (or greatest) total. The
 * Hungarian method with row/column potentials and shortest augmenting paths, O(n² m) for
 * n = min(rows, cols), m = max(rows, cols). Entries must be finite; rows must have equal length.
 * When several assignments are optimal the one returned is deterministic but may differ from scipy's.
 */
export function linearSumAssignment(matrix: readonly (readonly number[])[], options: AssignmentOptions = {}): Assignment {
  const rows = matrix.length;
  const cols = rows === 0 ? 0 : (matrix[0]?.length ?? 0);
  for (const row of matrix) {
    if (row.length !== cols) throw new RangeError('linearSumAssignment: rows of different lengths');
    for (const v of row) if (!Number.isFinite(v)) throw new RangeError('linearSumAssignment: entries must be finite');
  }
  if (rows === 0 || cols === 0) return { rowIndices: [], colIndices: [], total: 0 };

  const sign = options.maximize === true ? -1 : 1;
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  // cost[(i - 1) * m + (j - 1)] for 1-based i <= n, j <= m over the (possibly transposed) matrix.
  const cost = new Float64Array(n * m);
  matrix.forEach((row, r) =>
    row.forEach((value, c) => {
      cost[transposed ? c * m + r : r * m + c] = sign * value;
    }),
  );

  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row matched to column j, 0 = none
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);

  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      const base = (i0 - 1) * m - 1;
      const ui0 = u[i0]!;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = cost[base + j]! - ui0 - v[j]!;
        if (reduced < minv[j]!) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          const row = p[j]!;
          u[row] = u[row]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    // Flip the augmenting path back to the root.
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }

  const pairs: [number, number][] = [];
  for (let j = 1; j <= m; j++) {
    const i = p[j]!;
    if (i === 0) continue;
    pairs.push(transposed ? [j - 1, i - 1] : [i - 1, j - 1]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  let total = 0;
  for (const [r, c] of pairs) total += matrix[r]?.[c] ?? 0;
  return { rowIndices: pairs.map((x) => x[0]), colIndices: pairs.map((x) => x[1]), total };
}
