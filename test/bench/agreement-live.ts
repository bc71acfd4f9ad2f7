/**
 * `tsx test/bench/agreement-live.ts` (also run by `pnpm bench`): cost of one edit in the live
 * adjudication engine (@readingroom/agreement `LiveAdjudication`) against a full recompute.
 *
 * Study: `--images` 2D images of one series plus one series read in 3D. A seeded generator
 * places true findings (about 4 per image, plus slabs in the 3D series); each of `--readers`
 * readers draws `--boxes` boxes: 90 % 2D and 10 % 3D, each a jittered copy of a true finding it
 * "detects" (85 %), with an occasional other label, or a false positive elsewhere. Then
 * `--edits` seeded single edits are applied one at a time — move/resize (55 %), relabel (15 %),
 * delete (10 %), add (20 %) — and each is timed from the edit to having both `disagreements()`
 * and `proposals()` in hand. The full recompute is `adjudicate()` over the same state, timed on
 * a sample of the steps (every edits/50-th). Wall-clock and process CPU time are both reported;
 * the first edits run before the JIT has warmed up. At the end the live answer is checked
 * against the full one (exit code 1 if they differ).
 *
 * Flags: --readers 5 --boxes 200 --images 40 --edits 500 --seed 1 --json <file>
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
// Relative import: the test workspace package does not list @readingroom/agreement.
import { adjudicate, LiveAdjudication, type AgreementBox, type Region } from '../../packages/agreement/src/index';

export interface AgreementBenchOptions {
  readonly readers: number;
  readonly boxes: number;
  readonly images: number;
  readonly edits: number;
  readonly seed: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

export interface AgreementBenchResult {
  readonly options: AgreementBenchOptions;
  readonly totalBoxes: number;
  readonly groups: number;
  readonly clusters: number;
  readonly disagreements: number;
  /** Per edit, wall-clock ms: edit applied and both lists read. */
  readonly live: Percentiles;
  /** The same in CPU time of this process (user + system), ms: less sensitive to a loaded machine. */
  readonly liveCpu: Percentiles;
  /** Wall-clock ms of the edits after the first 10 % (JIT warmed up). */
  readonly liveWarm: Percentiles;
  /** `adjudicate()` over the whole state, wall-clock ms. */
  readonly full: Percentiles;
  readonly fullCpu: Percentiles;
  /** full p50 / live p50. */
  readonly speedup: number;
  /** Groups recomputed per edit on average. */
  readonly groupsPerEdit: number;
  /** The live answers equal a full recompute after the last edit. */
  readonly consistent: boolean;
}

const LABELS = ['nodule', 'mass', 'cyst', 'consolidation'] as const;
const SERIES_2D = '1.2.826.0.1.3680043.10.1.2';
const SERIES_3D = '1.2.826.0.1.3680043.10.1.3';

/** mulberry32: a small seeded PRNG so every run edits the same way. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN, mean: sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length) };
}

/** Builds the readers' boxes of a synthetic study. */
export function syntheticReads(options: AgreementBenchOptions): { boxes: AgreementBox[]; readers: string[]; random: () => number } {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const sops = Array.from({ length: options.images }, (_, i) => `${SERIES_2D}.${i + 1}`);
  const truth2d: Region[] = [];
  for (const sop of sops) {
    for (let k = 0; k < 4; k++) {
      const size = 15 + random() * 60;
      truth2d.push({ kind: 'box2d', sopInstanceUid: sop, frameIndex: 0, x: random() * 440, y: random() * 440, width: size, height: size * (0.7 + random() * 0.6) });
    }
  }
  const truth3d: Region[] = Array.from({ length: Math.max(1, Math.round(options.boxes / 10)) }, () => {
    const first = Math.floor(random() * 150);
    const size = 20 + random() * 50;
    return { kind: 'box3d', seriesInstanceUid: SERIES_3D, x: random() * 440, y: random() * 440, width: size, height: size, firstSliceIndex: first, lastSliceIndex: first + 2 + Math.floor(random() * 20) };
  });
  const truthLabel = new Map<Region, string>([...truth2d, ...truth3d].map((r) => [r, pick(LABELS)]));
  const readers = Array.from({ length: options.readers }, (_, i) => `reader-${i + 1}`);
  const boxes: AgreementBox[] = [];
  for (const readerId of readers) {
    const n3d = Math.round(options.boxes / 10);
    const drawn = [...pickSome(truth3d, 0.85, n3d), ...pickSome(truth2d, 0.85, options.boxes - n3d)];
    drawn.forEach((truth, i) => {
      const region = truth ? jitter(truth, random) : falsePositive(sops, random, i < n3d);
      const label = truth && random() < 0.9 ? truthLabel.get(truth)! : pick(LABELS);
      boxes.push({ readerId, annotationId: `${readerId}-${i}`, label, score: 1 + Math.floor(random() * 5), region });
    });
  }
  return { boxes, readers, random };

  /** `count` slots: each true finding detected with probability p, the rest false positives (null). */
  function pickSome(truths: readonly Region[], p: number, count: number): (Region | null)[] {
    const hits = truths.filter(() => random() < p).slice(0, count);
    return [...hits, ...Array.from({ length: count - hits.length }, () => null)];
  }
}

function jitter(r: Region, random: () => number): Region {
  const d = (s: number) => (random() - 0.5) * s * 0.2;
  const moved = { ...r, x: r.x + d(r.width), y: r.y + d(r.height), width: r.width * (0.9 + random() * 0.2), height: r.height * (0.9 + random() * 0.2) };
  if (moved.kind === 'box3d') {
    const first = Math.max(0, moved.firstSliceIndex + Math.round((random() - 0.5) * 2));
    return { ...moved, firstSliceIndex: first, lastSliceIndex: Math.max(first, moved.lastSliceIndex + Math.round((random() - 0.5) * 2)) };
  }
  return moved;
}

function falsePositive(sops: readonly string[], random: () => number, threeD: boolean): Region {
  const size = 10 + random() * 40;
  const rect = { x: random() * 460, y: random() * 460, width: size, height: size };
  if (threeD) {
    const first = Math.floor(random() * 180);
    return { kind: 'box3d', seriesInstanceUid: SERIES_3D, ...rect, firstSliceIndex: first, lastSliceIndex: first + Math.floor(random() * 10) };
  }
  return { kind: 'box2d', sopInstanceUid: sops[Math.floor(random() * sops.length)]!, frameIndex: 0, ...rect };
}

/** Runs the benchmark in this process. */
export function runAgreementLiveBench(options: AgreementBenchOptions): AgreementBenchResult {
  const { boxes, readers, random } = syntheticReads(options);
  const live = new LiveAdjudication({ readers });
  for (const r of readers) live.setReader(r, boxes.filter((b) => b.readerId === r));
  live.disagreements();
  live.proposals();
  const state = new Map(boxes.map((b) => [`${b.readerId}:${b.annotationId}`, b]));
  const sops = [...new Set(boxes.flatMap((b) => (b.region.kind === 'box2d' ? [b.region.sopInstanceUid] : [])))];
  const full = () => adjudicate({ boxes: [...state.values()], readers });

  const liveMs: number[] = [];
  const liveCpuMs: number[] = [];
  const fullMs: number[] = [];
  const fullCpuMs: number[] = [];
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1000;
  };
  const groupsBefore = live.recomputedGroups;
  let added = 0;
  const fullEvery = Math.max(1, Math.floor(options.edits / 50));
  for (let step = 0; step < options.edits; step++) {
    const keys = [...state.keys()];
    const target = state.get(keys[Math.floor(random() * keys.length)]!)!;
    const roll = random();
    let edit: () => void;
    if (roll < 0.55 || keys.length < 2) {
      const next = { ...target, region: jitter(target.region, random) };
      state.set(`${next.readerId}:${next.annotationId}`, next);
      edit = () => live.upsert(next);
    } else if (roll < 0.7) {
      const next = { ...target, label: LABELS[Math.floor(random() * LABELS.length)]! };
      state.set(`${next.readerId}:${next.annotationId}`, next);
      edit = () => live.upsert(next);
    } else if (roll < 0.8) {
      state.delete(`${target.readerId}:${target.annotationId}`);
      edit = () => live.remove(target.readerId, target.annotationId);
    } else {
      const next: AgreementBox = { ...target, annotationId: `added-${added++}`, region: random() < 0.5 ? jitter(target.region, random) : falsePositive(sops, random, target.region.kind === 'box3d') };
      state.set(`${next.readerId}:${next.annotationId}`, next);
      edit = () => live.upsert(next);
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    edit();
    live.disagreements();
    live.proposals();
    liveMs.push(performance.now() - t0);
    liveCpuMs.push(cpuMs(c0));
    if (step % fullEvery === 0) {
      const c1 = process.cpuUsage();
      const t1 = performance.now();
      full();
      fullMs.push(performance.now() - t1);
      fullCpuMs.push(cpuMs(c1));
    }
  }
  const expected = full();
  const proposals = live.proposals();
  const disagreements = live.disagreements();
  const consistent = JSON.stringify(proposals) === JSON.stringify(expected.proposals) && JSON.stringify(disagreements) === JSON.stringify(expected.disagreements);
  const liveP = percentiles(liveMs);
  const fullP = percentiles(fullMs);
  return {
    options,
    totalBoxes: state.size,
    groups: new Set(proposals.map((p) => p.groupKey)).size,
    clusters: proposals.length,
    disagreements: disagreements.length,
    live: liveP,
    liveCpu: percentiles(liveCpuMs),
    liveWarm: percentiles(liveMs.slice(Math.floor(liveMs.length / 10))),
    full: fullP,
    fullCpu: percentiles(fullCpuMs),
    speedup: fullP.p50 / liveP.p50,
    groupsPerEdit: (live.recomputedGroups - groupsBefore) / Math.max(1, options.edits),
    consistent,
  };
}

function parseArgs(argv: readonly string[]): { options: AgreementBenchOptions; json: string | null } {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isInteger(v) || v < (name === 'edits' ? 0 : 1)) throw new Error(`--${name} expects a positive integer`);
    return v;
  };
  const jsonAt = argv.indexOf('--json');
  return {
    options: { readers: value('readers', 5), boxes: value('boxes', 200), images: value('images', 40), edits: value('edits', 500), seed: value('seed', 1) },
    json: jsonAt >= 0 ? (argv[jsonAt + 1] ?? null) : null,
  };
}

const fmt = (n: number) => n.toFixed(3);

function main(): void {
  const { options, json } = parseArgs(process.argv.slice(2));
  const r = runAgreementLiveBench(options);
  console.log(`\nLive adjudication: ${options.readers} readers x ${options.boxes} boxes, ${options.images} images + one 3D series, ${options.edits} edits (seed ${options.seed})`);
  console.log(`Node ${process.version}, ${cpus().length} CPU, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`state after edits: ${r.totalBoxes} boxes, ${r.groups} groups, ${r.clusters} clusters, ${r.disagreements} open disagreements`);
  console.log('| ms per change | p50 | p95 | max | mean |\n|---|---:|---:|---:|---:|');
  const row = (name: string, p: Percentiles) => console.log(`| ${name} | ${fmt(p.p50)} | ${fmt(p.p95)} | ${fmt(p.max)} | ${fmt(p.mean)} |`);
  row('live, wall (edit + disagreements + proposals)', r.live);
  row('live, CPU', r.liveCpu);
  row('live, wall, after the first 10 % of edits', r.liveWarm);
  row('full recompute (adjudicate), wall', r.full);
  row('full recompute, CPU', r.fullCpu);
  console.log(`full / live (p50): ${r.speedup.toFixed(1)}x; groups recomputed per edit: ${r.groupsPerEdit.toFixed(2)}; live == full: ${r.consistent}`);
  console.log(`goal < 50 ms per change: ${r.live.max < 50 ? 'met (max)' : r.live.p95 < 50 ? 'met at p95, not at max' : 'NOT met'}`);
  if (json) writeFileSync(json, JSON.stringify(r, null, 2));
  if (!r.consistent) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
