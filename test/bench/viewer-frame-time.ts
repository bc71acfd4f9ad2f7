/**
 * `pnpm bench:viewer` (also run by `pnpm bench`): frame time of the web viewer while scrolling a
 * 200-slice CT with and without 500 boxes, in headless Chromium against the real server.
 *
 * Setup (test/e2e/support/collab-session.ts): the project's CT generator writes a 200-slice
 * series, the CLI imports it into a temp data dir, the server starts on it, a project gets the
 * study, a taxonomy and two readers. "viewer" opens the study in Chromium through the login page
 * and the worklist (1280×800) and waits until every image of the series is fetched and decoded.
 * "writer", a Node-side y-websocket client with a `StudyDocument`, creates the boxes through the
 * server; the viewer receives them live like a colleague's boxes (coloured, with label and author
 * text). Each box set is then switched on and off (soft delete / restore, one transaction).
 *
 * Box layouts (`--layouts`):
 *   spread2d   `--boxes` 2D boxes spread evenly over the slices (500 / 200: 2-3 boxes per slice)
 *   stacked3d  `--boxes` 3D boxes each spanning every slice: all of them on screen on every frame
 *
 * A pass scrolls from slice 0 to the last slice one slice at a time, as fast as the viewer shows
 * every slice (./viewer-scroll-probe.ts). Passes are interleaved: none, spread2d, stacked3d,
 * none, ... so drift on a shared machine hits every scenario alike. Everything runs once per
 * renderer (`?rendering=gpu|cpu`, a fresh browser context each): WebGL, which on a machine
 * without a GPU is Chromium's software rasteriser (SwiftShader), and cornerstone's CPU path.
 *
 * Flags: --slices 200  --boxes 500  --passes 2  --layouts spread2d,stacked3d  --renderers gpu,cpu
 *        --viewer-json <file>  --screenshot <png>  --quick (20 slices, 20 boxes, 1 pass)
 */
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { roomName, StudyDocument } from '@readingroom/model';
import { startCollabFixture, PASSWORD, type CollabFixture, type LabelSpec, type StudyPage } from '../e2e/support/collab-session';
import { openStockClient, type StockClient } from '../support/stock-client';
import { until } from '../support/until';
import type { WebsocketProvider } from 'y-websocket';
import { SCROLL_PROBE_SOURCE } from './viewer-scroll-probe';

export const BOX_LAYOUTS = ['spread2d', 'stacked3d'] as const;
export type BoxLayout = (typeof BOX_LAYOUTS)[number];
export type Scenario = 'none' | BoxLayout;
export const RENDERERS = ['gpu', 'cpu'] as const;
export type Renderer = (typeof RENDERERS)[number];

export interface ViewerBenchOptions {
  readonly slices: number;
  readonly boxes: number;
  readonly passes: number;
  readonly layouts: readonly BoxLayout[];
  readonly renderers: readonly Renderer[];
  /** Where to save a screenshot of the viewer with the last layout's boxes (first renderer). */
  readonly screenshot?: string;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  /** Boxes in the study document while scrolling. */
  readonly boxesInStudy: number;
  /** Box outlines drawn on a few sampled slices (min and max over the samples). */
  readonly boxesDrawn: { readonly min: number; readonly max: number };
  /** Label texts drawn on the same slices (hidden when too many boxes share an image). */
  readonly labelsDrawn: { readonly min: number; readonly max: number };
  readonly passes: number;
  readonly frames: number;
  /** requestAnimationFrame deltas while scrolling, ms. */
  readonly frameTime: Percentiles;
  /** From asking for a slice to cornerstone's IMAGE_RENDERED of it, ms. */
  readonly sliceLatency: Percentiles;
  /** Slices shown per second over the scroll (each slice rendered, none skipped). */
  readonly slicesPerS: number;
  /** Frames per second over the scroll (1000 / mean frame time). */
  readonly fps: number;
}

export interface RendererResult {
  readonly renderer: Renderer;
  readonly scenarios: ScenarioResult[];
}

export interface ViewerBenchResult {
  readonly options: ViewerBenchOptions;
  readonly machine: { cpu: string; cores: number; node: string; chromium: string; loadavg: number[] };
  readonly runs: RendererResult[];
}

export const QUICK: ViewerBenchOptions = { slices: 20, boxes: 20, passes: 1, layouts: BOX_LAYOUTS, renderers: RENDERERS };
export const FULL: ViewerBenchOptions = { slices: 200, boxes: 500, passes: 2, layouts: BOX_LAYOUTS, renderers: RENDERERS };

type StackEntry = { sopInstanceUid: string; frame: number; columns: number; rows: number };

const BENCH_LABELS: readonly LabelSpec[] = [
  { name: 'nodule', colour: '#e6194b', hotkey: 'n', kind: 'box2d' },
  { name: 'mass', colour: '#f58231', hotkey: 'm', kind: 'box2d' },
  { name: 'lesion', colour: '#3cb44b', hotkey: 'l', kind: 'box3d' },
];

interface DrawnSample {
  boxes: number;
  labels: number;
}

interface PassSample {
  slicesShown: number;
  scrollMs: number;
  frameTimes: number[];
  sliceLatencies: number[];
  endIndex: number;
}

/** Runs the whole benchmark and returns its numbers; starts and stops everything it needs. */
export async function runViewerFrameBench(options: ViewerBenchOptions): Promise<ViewerBenchResult> {
  let fx: CollabFixture | undefined;
  let writer: StockClient | undefined;
  try {
    fx = await startCollabFixture(
      [
        { username: 'viewer', role: 'reader' },
        { username: 'writer', role: 'reader' },
      ],
      { sliceCount: options.slices, labels: BENCH_LABELS },
    );
    writer = await openWriter(fx);
    const study = new StudyDocument(writer.doc, { userId: await userIdOf(fx, 'writer') });
    const sets = new Map<BoxLayout, string[]>();
    const runs: RendererResult[] = [];
    for (const renderer of options.renderers) {
      const viewer = await openViewer(fx, renderer, options.slices);
      if (sets.size === 0) {
        const stack = (await viewer.page.evaluate('window.__rr.stackImages()')) as StackEntry[];
        for (const layout of options.layouts) sets.set(layout, createBoxes(study, fx, stack, layout, options.boxes));
        setShown(study, [...sets.values()].flat(), false);
      }
      await untilShown(viewer, 0);
      runs.push({ renderer, scenarios: await measure(viewer, study, sets, options, runs.length === 0 ? options.screenshot : undefined) });
      if (viewer.errors.length > 0) throw new Error(`the page reported errors: ${viewer.errors.slice(0, 3).join('; ')}`);
      await viewer.context.close();
    }
    return {
      options,
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        node: process.version,
        chromium: fx.browser.version(),
        loadavg: loadavg().map((l) => Math.round(l * 10) / 10),
      },
      runs,
    };
  } finally {
    writer?.destroy();
    await fx?.close();
  }
}

/** Opens the study with `renderer` forced and waits until every image is fetched and decoded. */
async function openViewer(fx: CollabFixture, renderer: Renderer, slices: number): Promise<StudyPage> {
  const viewer = await fx.openStudy('viewer', { search: `?rendering=${renderer}` });
  await viewer.page.waitForFunction(
    () => {
      const hook = (globalThis as unknown as { __rr?: { imageCount: number; loadedCount: number } }).__rr;
      return !!hook && hook.imageCount > 0 && hook.loadedCount === hook.imageCount;
    },
    null,
    { timeout: 180_000, polling: 100 },
  );
  const shown = (await viewer.page.evaluate('[window.__rr.renderer, window.__rr.imageCount]')) as [string, number];
  if (shown[0] !== renderer || shown[1] !== slices) throw new Error(`the viewer uses ${shown[0]} for ${shown[1]} slices, expected ${renderer} for ${slices}`);
  await viewer.page.evaluate(SCROLL_PROBE_SOURCE);
  return viewer;
}

/** The interleaved passes over every scenario on one page. */
async function measure(
  viewer: StudyPage,
  study: StudyDocument,
  sets: ReadonlyMap<BoxLayout, readonly string[]>,
  options: ViewerBenchOptions,
  screenshot: string | undefined,
): Promise<ScenarioResult[]> {
  const samples = new Map<Scenario, { passes: PassSample[]; drawn: DrawnSample[] }>();
  const scenarios: Scenario[] = ['none', ...options.layouts];
  for (let pass = 0; pass < options.passes; pass++) {
    for (const scenario of scenarios) {
      const ids = scenario === 'none' ? [] : sets.get(scenario)!;
      setShown(study, ids, true);
      await untilShown(viewer, ids.length);
      const sample = (await viewer.page.evaluate(`window.__rrBench.scrollPass(${options.slices})`)) as PassSample;
      if (sample.endIndex !== options.slices - 1) throw new Error(`the pass ended on slice ${sample.endIndex}, not ${options.slices - 1}`);
      const entry = samples.get(scenario) ?? { passes: [], drawn: [] };
      entry.passes.push(sample);
      if (pass === 0) {
        for (const index of sampleSlices(options.slices)) entry.drawn.push((await viewer.page.evaluate(`window.__rrBench.drawnBoxesOn(${index})`)) as DrawnSample);
        if (screenshot && scenario === scenarios[scenarios.length - 1]) await viewer.page.screenshot({ path: screenshot });
      }
      samples.set(scenario, entry);
      setShown(study, ids, false);
      await untilShown(viewer, 0);
    }
  }
  return scenarios.map((scenario) => summarise(scenario, scenario === 'none' ? 0 : options.boxes, samples.get(scenario)!));
}

async function openWriter(fx: CollabFixture): Promise<StockClient> {
  const token = await fx.server.login('writer', PASSWORD);
  const room = roomName({ projectId: fx.projectId, studyInstanceUid: fx.studyUid, scope: { type: 'shared' } });
  const client = await openStockClient({ syncUrl: fx.server.syncUrl, room, token, waitSynced: false });
  // The stock provider echoes every awareness change, the viewer's presence included, and the
  // server refuses states of other users' client ids (closing the socket): the writer shares no
  // presence at all, as the web client only sends its own.
  const provider = client.provider as WebsocketProvider;
  provider.awareness.off('update', provider._awarenessUpdateHandler);
  provider.awareness.setLocalState(null);
  await until(() => provider.synced, 10_000, 'the writer to sync');
  return client;
}

async function userIdOf(fx: CollabFixture, username: string): Promise<string> {
  const token = await fx.server.login(username, PASSWORD);
  const response = await fetch(`${fx.server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  const me = (await response.json()) as { id?: string };
  if (!me.id) throw new Error(`no user id for ${username}`);
  return me.id;
}

/** A deterministic pseudo-random sequence (mulberry32), so every run draws the same boxes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function createBoxes(
  study: StudyDocument,
  fx: CollabFixture,
  stack: ReadonlyArray<{ sopInstanceUid: string; frame: number; columns: number; rows: number }>,
  layout: BoxLayout,
  count: number,
): string[] {
  const next = random(layout === 'spread2d' ? 2 : 3);
  const ids: string[] = [];
  const first = stack[0]!;
  const last = stack[stack.length - 1]!;
  const rect = () => {
    const width = 8 + Math.round(next() * 32);
    const height = 8 + Math.round(next() * 32);
    return { x: Math.round(next() * (first.columns - width)), y: Math.round(next() * (first.rows - height)), width, height };
  };
  study.doc.transact(() => {
    for (let i = 0; i < count; i++) {
      const common = { studyInstanceUid: fx.studyUid, seriesInstanceUid: fx.seriesUid };
      if (layout === 'spread2d') {
        const image = stack[Math.floor((i * stack.length) / count)]!;
        const box = study.createBox2d({ ...common, sopInstanceUid: image.sopInstanceUid, frameIndex: image.frame - 1, geometry: rect(), label: i % 2 ? 'mass' : 'nodule' });
        ids.push(box.id);
      } else {
        const geometry = {
          ...rect(),
          firstSliceIndex: 0,
          lastSliceIndex: stack.length - 1,
          firstSopInstanceUid: first.sopInstanceUid,
          lastSopInstanceUid: last.sopInstanceUid,
        };
        ids.push(study.createBox3d({ ...common, geometry, label: 'lesion' }).id);
      }
    }
  });
  return ids;
}

/** Soft-deletes or restores a set of boxes in one transaction (one update to the server). */
function setShown(study: StudyDocument, ids: readonly string[], shown: boolean): void {
  study.doc.transact(() => {
    for (const id of ids) {
      if (shown) study.restoreAnnotation(id);
      else study.deleteAnnotation(id);
    }
  });
}

async function untilShown(page: StudyPage, count: number): Promise<void> {
  await until(
    async () => ((await page.page.evaluate('window.__rr.shownBoxes().length')) as number) === count,
    60_000,
    `${count} boxes in the viewer`,
    100,
  );
}

function sampleSlices(slices: number): number[] {
  return [...new Set([0, Math.floor(slices / 4), Math.floor(slices / 2), Math.floor((3 * slices) / 4), slices - 1])];
}

function range(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN, mean };
}

function summarise(scenario: Scenario, boxesInStudy: number, data: { passes: PassSample[]; drawn: DrawnSample[] }): ScenarioResult {
  const frameTimes = data.passes.flatMap((p) => p.frameTimes);
  const frameTime = percentiles(frameTimes);
  const slices = data.passes.reduce((s, p) => s + p.slicesShown, 0);
  const scrollMs = data.passes.reduce((s, p) => s + p.scrollMs, 0);
  return {
    scenario,
    boxesInStudy,
    boxesDrawn: range(data.drawn.map((d) => d.boxes)),
    labelsDrawn: range(data.drawn.map((d) => d.labels)),
    passes: data.passes.length,
    frames: frameTimes.length,
    frameTime,
    sliceLatency: percentiles(data.passes.flatMap((p) => p.sliceLatencies)),
    slicesPerS: (1000 * slices) / scrollMs,
    fps: 1000 / frameTime.mean,
  };
}

const SCENARIO_TEXT: Record<Scenario, (boxes: number) => string> = {
  none: () => 'no boxes',
  spread2d: (n) => `${n} 2D boxes spread over the slices`,
  stacked3d: (n) => `${n} 3D boxes on every slice`,
};

/** The results as Markdown tables, one per renderer (a column per scenario, ratios to "no boxes"). */
export function formatTables(result: ViewerBenchResult): string {
  return result.runs.map((run) => `${RENDERER_TEXT[run.renderer]}\n\n${formatTable(run.scenarios)}`).join('\n\n');
}

const RENDERER_TEXT: Record<Renderer, string> = {
  gpu: '**WebGL renderer** (`?rendering=gpu`; no GPU here: Chromium\'s SwiftShader software rasteriser)',
  cpu: '**CPU renderer** (`?rendering=cpu`; what `auto` picks when WebGL is a software rasteriser)',
};

function formatTable(scenarios: readonly ScenarioResult[]): string {
  const [base, ...loaded] = scenarios;
  if (!base) return '';
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
  const r = (v: number, b: number) => (b > 0 ? `${(v / b).toFixed(2)}×` : '—');
  const header = ['metric', ...scenarios.map((s) => SCENARIO_TEXT[s.scenario](s.boxesInStudy)), ...loaded.map((s) => `${s.scenario} / none`)];
  const rows: Array<[string, (s: ScenarioResult) => number]> = [
    ['frame time p50 (ms)', (s) => s.frameTime.p50],
    ['frame time p95 (ms)', (s) => s.frameTime.p95],
    ['frame time p99 (ms)', (s) => s.frameTime.p99],
    ['frame time max (ms)', (s) => s.frameTime.max],
    ['fps (1000 / mean frame time)', (s) => s.fps],
    ['slices shown per s', (s) => s.slicesPerS],
    ['slice latency p50 (ms)', (s) => s.sliceLatency.p50],
    ['slice latency p95 (ms)', (s) => s.sliceLatency.p95],
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const [name, get] of rows) lines.push(`| ${name} | ${scenarios.map((s) => f(get(s))).join(' | ')} | ${loaded.map((s) => r(get(s), get(base))).join(' | ')} |`);
  lines.push(`| boxes drawn per slice (sampled min–max) | ${scenarios.map((s) => `${s.boxesDrawn.min}–${s.boxesDrawn.max}`).join(' | ')} | ${loaded.map(() => '').join(' | ')} |`);
  lines.push(`| label texts drawn per slice (sampled min–max) | ${scenarios.map((s) => `${s.labelsDrawn.min}–${s.labelsDrawn.max}`).join(' | ')} | ${loaded.map(() => '').join(' | ')} |`);
  lines.push(`| frames measured | ${scenarios.map((s) => String(s.frames)).join(' | ')} | ${loaded.map(() => '').join(' | ')} |`);
  return lines.join('\n');
}

function parseArgs(argv: readonly string[]): { options: ViewerBenchOptions; json: string | null } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const base = argv.includes('--quick') ? QUICK : FULL;
  const number = (flag: string, fallback: number) => {
    const raw = value(flag);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
    return n;
  };
  const layouts = (value('--layouts')?.split(',') ?? base.layouts).map((l) => {
    if (!(BOX_LAYOUTS as readonly string[]).includes(l)) throw new Error(`unknown layout ${l} (${BOX_LAYOUTS.join(', ')})`);
    return l as BoxLayout;
  });
  const renderers = (value('--renderers')?.split(',') ?? base.renderers).map((r) => {
    if (!(RENDERERS as readonly string[]).includes(r)) throw new Error(`unknown renderer ${r} (${RENDERERS.join(', ')})`);
    return r as Renderer;
  });
  const screenshot = value('--screenshot');
  return {
    options: {
      slices: number('--slices', base.slices),
      boxes: number('--boxes', base.boxes),
      passes: number('--passes', base.passes),
      layouts,
      renderers,
      ...(screenshot ? { screenshot } : {}),
    },
    json: value('--viewer-json') ?? null,
  };
}

async function main(): Promise<void> {
  const { options, json } = parseArgs(process.argv.slice(2));
  console.log(
    `viewer frame time: ${options.slices} slices, ${options.boxes} boxes, layouts ${options.layouts.join(', ')}, renderers ${options.renderers.join(', ')}, ${options.passes} pass(es) each`,
  );
  const started = Date.now();
  const result = await runViewerFrameBench(options);
  const m = result.machine;
  console.log(`machine: ${m.cores} × ${m.cpu}, Node ${m.node}, Chromium ${m.chromium} (headless), load average ${m.loadavg.join(' ')}`);
  console.log(formatTables(result));
  console.log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  if (json) writeFileSync(json, JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
