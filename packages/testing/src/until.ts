/** Polls `check` every `intervalMs` until it holds; rejects after `timeoutMs`. For in-process tests. */
export async function until(check: () => boolean, timeoutMs = 3000, intervalMs = 2): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
