import { writeFileSync } from 'node:fs';
import { startCollabFixture } from '../../e2e/support/collab-session';
import { SCROLL_PROBE_SOURCE } from '../viewer-scroll-probe';

const fx = await startCollabFixture([{ username: 'viewer', role: 'reader' }], { sliceCount: 60 });
try {
  const v = await fx.openStudy('viewer');
  await v.page.waitForFunction(() => { const h = (globalThis as any).__rr; return h.loadedCount === h.imageCount; }, null, { timeout: 120000 });
  await v.page.evaluate(SCROLL_PROBE_SOURCE);
  const cdp = await v.context.newCDPSession(v.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const r = (await v.page.evaluate('window.__rrBench.scrollPass(60)')) as any;
  const { profile } = (await cdp.send('Profiler.stop')) as any;
  console.log('slices/s', (1000 * r.slicesShown) / r.scrollMs);
  // self time per function
  const self = new Map<string, number>();
  const dt = profile.timeDeltas as number[];
  const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
  profile.samples.forEach((id: number, i: number) => {
    const n = byId.get(id);
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [k, ms] of top) console.log(ms.toFixed(0).padStart(6), k.slice(0, 120));
  writeFileSync('/tmp/scroll.cpuprofile', JSON.stringify(profile));
} finally {
  await fx.close();
}
