/** A categorical rating. */
export type Category = string | number | boolean;

/**
 * Cohen's kappa between two raters, unweighted, as scikit-learn's `cohen_kappa_score(y1, y2,
 * labels)`: with C the confusion matrix over `labels` (default: every category seen, pairs with a
 * category outside `labels` are ignored) and E = outer(row sums, column sums) / N,
 * kappa = 1 - Σ_{i≠j} C_ij / Σ_{i≠j} E_ij, which equals (p_o - p_e) / (1 - p_e).
 * Returns null where scikit-learn returns NaN (no expected disagreement, e.g. both raters always
 * gave the same single category) and for empty input.
 */
export function cohenKappa(a: readonly Category[], b: readonly Category[], labels?: readonly Category[]): number | null {
  if (a.length !== b.length) throw new RangeError('cohenKappa: the two raters rated different numbers of items');
  const cats = labels ?? [...new Set([...a, ...b])];
  const index = new Map<Category, number>();
  cats.forEach((c) => index.has(c) || index.set(c, index.size));
  const k = index.size;
  const confusion = Array.from({ length: k }, () => new Float64Array(k));
  for (let t = 0; t < a.length; t++) {
    const i = index.get(a[t]!);
    const j = index.get(b[t]!);
    if (i !== undefined && j !== undefined) confusion[i]![j]! += 1;
  }
  const rowSums = confusion.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = Array.from({ length: k }, (_, j) => confusion.reduce((s, row) => s + row[j]!, 0));
  const n = rowSums.reduce((s, v) => s + v, 0);
  if (n === 0) return null;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      observed += confusion[i]![j]!;
      expected += (rowSums[i]! * colSums[j]!) / n;
    }
  }
  if (expected === 0) return null;
  return 1 - observed / expected;
}

/**
 * Fleiss' kappa, as statsmodels' `fleiss_kappa(table, method='fleiss')`. `table` is subjects ×
 * categories: table[i][j] = how many raters put subject i in category j; every row must sum to
 * the same number of raters n >= 2. With N subjects, p_j = Σ_i table[i][j] / (N n),
 * P_i = (Σ_j table[i][j]² - n) / (n (n - 1)), P̄ = mean P_i, P̄_e = Σ_j p_j²:
 * kappa = (P̄ - P̄_e) / (1 - P̄_e). Null when P̄_e = 1 (every rating in one category), where
 * statsmodels returns NaN.
 */
export function fleissKappa(table: readonly (readonly number[])[]): number | null {
  const subjects = table.length;
  if (subjects === 0) throw new RangeError('fleissKappa: no subjects');
  const categories = table[0]!.length;
  const raters = table[0]!.reduce((s, v) => s + v, 0);
  for (const row of table) {
    if (row.length !== categories) throw new RangeError('fleissKappa: rows of different lengths');
    if (row.some((v) => !Number.isFinite(v) || v < 0)) throw new RangeError('fleissKappa: counts must be finite and >= 0');
    if (row.reduce((s, v) => s + v, 0) !== raters) throw new RangeError('fleissKappa: every subject needs the same number of ratings');
  }
  if (raters < 2) throw new RangeError('fleissKappa: needs at least two ratings per subject');
  const total = subjects * raters;
  let pMean = 0;
  for (const row of table) pMean += (row.reduce((s, v) => s + v * v, 0) - raters) / (raters * (raters - 1));
  pMean /= subjects;
  let pExp = 0;
  for (let j = 0; j < categories; j++) {
    const p = table.reduce((s, row) => s + row[j]!, 0) / total;
    pExp += p * p;
  }
  if (pExp === 1) return null;
  return (pMean - pExp) / (1 - pExp);
}
