/**
 * What validating every update costs: updates/s applied by an in-process SyncServer (memory
 * storage, fake sockets, no network) fed the same recorded editing session four times a round —
 * with no accept hook; with an accept step that only stages (what a staging copy costs); with the
 * server's sync-access hooks (grant check, client id ownership, `validateUpdate` with taxonomy
 * and image sizes, reference checks; plain edits reviewed from `proposal.preview()`, the rest
 * staged); and with the same hooks but no preview offered, so every update is staged (the path
 * before previews) — in alternating rounds on the same machine in the same run. Rates are per
 * wall-clock second and per CPU second of the process (less sensitive to other load on a shared
 * machine). Prints the rates and the loss.
 *
 *   tsx test/bench/validation-cost.ts [--rounds 7] [--writers 4] [--boxes 25] [--moves 600]
 *
 * `pnpm bench` runs it after the client/server benchmark.
 */
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { roomName, StudyDocument } from '@readingroom/model';
import { encodeSyncStep1, encodeSyncUpdate } from '@readingroom/protocol';
import { ACCEPT, MemoryStorage, SyncServer, type SyncConnection, type SyncHooks, type SyncSocket } from '@readingroom/sync-server';
import type { CatalogInstance } from '../../apps/server/src/catalog/catalog';
import { MemoryProjectStore } from '../../apps/server/src/projects/memory-project-store';
import { DEFAULT_SETTINGS } from '../../apps/server/src/projects/project-schemas';
import { MemoryClientIdRegistry } from '../../apps/server/src/sync-access/client-id-registry';
import { createSyncAccess } from '../../apps/server/src/sync-access/sync-access';
import { MemoryUserStore } from '../../apps/server/src/users/memory-user-store';

export interface ValidationCostOptions {
  readonly rounds: number;
  readonly writers: number;
  readonly boxesPerWriter: number;
  readonly movesPerWriter: number;
}

/** Updates applied per wall-clock second and per CPU second, and µs spent in the accept step per update (medians over the rounds). */
export interface ModeRate {
  readonly perS: number;
  readonly perCpuS: number;
  readonly acceptUs: number;
}

export interface ValidationCostResult {
  readonly updates: number;
  readonly baselinePerS: number;
  /** With an accept step that only stages the update (the staging copy's share of the cost). */
  readonly stagingOnlyPerS: number;
  readonly validatingPerS: number;
  /** The sync-access hooks with every update staged (no `preview()` offered): the path before previews. */
  readonly stagedValidatingPerS: number;
  /** (baseline − validating) / baseline, in percent, per wall-clock second. */
  readonly lossPercent: number;
  /** The same per CPU second. */
  readonly cpuLossPercent: number;
  /** The same for the staged-only validation (the path before previews). */
  readonly stagedLossPercent: number;
  readonly modes: { readonly none: ModeRate; readonly stagingOnly: ModeRate; readonly validating: ModeRate; readonly stagedValidating: ModeRate };
}

const STUDY = '1.2.826.0.1.3680043.8.498.1';
const SERIES = `${STUDY}.1`;
const SLICES = 20;
const sop = (i: number) => `${SERIES}.${i + 1}`;

interface Recorded {
  readonly writer: number;
  readonly update: Uint8Array;
}

/**
 * One editing session, recorded: each writer creates its boxes (two updates each, as
 * StudyDocument does), then the writers take turns moving their own boxes. Every replica sees
 * every other's updates, so the log is causally complete.
 */
function recordSession(o: ValidationCostOptions, userIds: readonly string[]): Recorded[] {
  const log: Recorded[] = [];
  const docs = userIds.map(() => new Y.Doc());
  const sessions = docs.map((doc, w) => new StudyDocument(doc, { userId: userIds[w]! }));
  docs.forEach((doc, w) =>
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'replica') return;
      log.push({ writer: w, update });
      docs.forEach((other, v) => v !== w && Y.applyUpdate(other, update, 'replica'));
    }),
  );
  const ids: string[][] = userIds.map(() => []);
  for (let b = 0; b < o.boxesPerWriter; b++) {
    sessions.forEach((s, w) => {
      const box = s.createBox2d({
        studyInstanceUid: STUDY,
        seriesInstanceUid: SERIES,
        sopInstanceUid: sop((w * 7 + b) % SLICES),
        geometry: { x: 10 + b, y: 10 + w, width: 20, height: 20 },
        label: b % 2 ? 'mass' : 'nodule',
      });
      ids[w]!.push(box.id);
    });
  }
  for (let m = 0; m < o.movesPerWriter; m++) {
    sessions.forEach((s, w) => s.moveBox(ids[w]![m % o.boxesPerWriter]!, { x: (m * 3) % 200, y: (m * 5) % 200, width: 30, height: 25 }));
  }
  return log;
}

const nullSocket: SyncSocket = { send() {}, close() {}, bufferedAmount: 0 };

function catalogOf(): { searchInstances(study: string): Promise<CatalogInstance[] | null> } {
  const instances: CatalogInstance[] = Array.from({ length: SLICES }, (_, i) => ({
    studyInstanceUid: STUDY,
    seriesInstanceUid: SERIES,
    sopInstanceUid: sop(i),
    sopClassUid: null,
    modality: 'MR',
    instanceNumber: i + 1,
    rows: 256,
    columns: 256,
    numberOfFrames: 1,
    pixelSpacing: null,
    imagePositionPatient: null,
    imageOrientationPatient: null,
    sliceThickness: null,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    file: { path: '', hash: '', size: 0 },
  }));
  return { searchInstances: async (study) => (study === STUDY ? instances : null) };
}

/** Applies the recorded session through a fresh server; returns updates per second and the stored result. */
async function replay(
  log: readonly Recorded[],
  identities: ReadonlyArray<{ userId: string; data: object }>,
  room: string,
  hooks: SyncHooks | undefined,
): Promise<{ perS: number; perCpuS: number; acceptUs: number; refused: number; stored: string }> {
  let refused = 0;
  const acceptMs: number[] = [];
  const counting: SyncHooks | undefined = hooks && {
    ...hooks,
    acceptUpdate: (p) => {
      const start = performance.now();
      const decision = hooks.acceptUpdate!(p);
      acceptMs.push(performance.now() - start);
      if (!decision.accept) refused++;
      return decision;
    },
  };
  const storage = new MemoryStorage();
  const sync = new SyncServer({ storage, ...(counting ? { hooks: counting } : {}), flushDelayMs: 5, unloadDelayMs: 60_000 });
  const conns: SyncConnection[] = identities.map((identity) => sync.connect(nullSocket, { room, identity }));
  // two listeners that only receive, like viewers of the study
  for (let i = 0; i < 2; i++) sync.connect(nullSocket, { room, identity: identities[0]! });
  for (const c of conns) c.receive(encodeSyncStep1(new Uint8Array([0])));
  await sync.flushAll();
  while (sync.roomState(room) !== 'active') await new Promise((r) => setTimeout(r, 1));
  const frames = log.map((r) => encodeSyncUpdate(r.update));
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < log.length; i++) conns[log[i]!.writer]!.receive(frames[i]!);
  await sync.flushAll();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await sync.shutdown();
  const record = await storage.loadRoom(room);
  const doc = new Y.Doc();
  if (record.snapshot) Y.applyUpdate(doc, record.snapshot);
  for (const u of record.updates) Y.applyUpdate(doc, u.update);
  // Mean time in the accept step per update, without the slowest 1 % (preempted by other processes).
  const kept = acceptMs.sort((a, b) => a - b).slice(0, Math.ceil(acceptMs.length * 0.99));
  const acceptUs = kept.length > 0 ? (kept.reduce((a, b) => a + b, 0) / kept.length) * 1000 : 0;
  return { perS: log.length / seconds, perCpuS: log.length / cpuSeconds, acceptUs, refused, stored: JSON.stringify(doc.getMap('annotations').toJSON()) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the comparison; `log` receives progress and the result lines. */
export async function runValidationCost(o: ValidationCostOptions, log: (line: string) => void = console.log): Promise<ValidationCostResult> {
  const users = new MemoryUserStore();
  const projects = new MemoryProjectStore();
  const project = await projects.createProject({ name: 'bench', description: '', settings: DEFAULT_SETTINGS, createdBy: 'bench' });
  await projects.addStudies(project.id, [STUDY], 'bench');
  for (const name of ['nodule', 'mass']) await projects.createLabel(project.id, { name, colour: '#ff0000', hotkey: null, kind: 'box2d', attributes: [] });
  const userIds: string[] = [];
  for (let w = 0; w < o.writers; w++) {
    const user = await users.create({ username: `reader${w}`, passwordHash: 'x', isAdmin: false });
    await projects.setMember(project.id, user.id, 'reader');
    userIds.push(user.id);
  }
  const room = roomName({ projectId: project.id, studyInstanceUid: STUDY, scope: { type: 'shared' } });
  const session = recordSession(o, userIds);

  const newAccess = async () => {
    const access = createSyncAccess({
      projects,
      users,
      catalog: catalogOf(),
      clientIds: new MemoryClientIdRegistry(),
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const identities = [];
    for (const userId of userIds) {
      const decision = await access.authorize({ id: userId, isAdmin: false }, room);
      if (!decision.ok) throw new Error(`bench user refused: ${decision.reason}`);
      identities.push({ userId, data: decision.data });
    }
    return { hooks: access.hooks, identities };
  };

  const samples = { none: [] as ModeRate[], stagingOnly: [] as ModeRate[], validating: [] as ModeRate[], stagedValidating: [] as ModeRate[] };
  const stageOnlyHooks: SyncHooks = {
    acceptUpdate: (p) => {
      p.stage();
      return ACCEPT;
    },
  };
  // The same hooks, offered no preview: every update is staged, as before previews existed.
  const withoutPreview = (hooks: SyncHooks): SyncHooks => ({
    ...hooks,
    acceptUpdate: (p) => hooks.acceptUpdate!({ room: p.room, identity: p.identity, update: p.update, via: p.via, doc: p.doc, stage: () => p.stage() }),
  });
  // warm-up (JIT) of every path, not measured
  const warm = await newAccess();
  const plain = await replay(session, warm.identities, room, undefined);
  await replay(session, warm.identities, room, stageOnlyHooks);
  const checked = await replay(session, warm.identities, room, warm.hooks);
  const warmStaged = await newAccess();
  const checkedStaged = await replay(session, warmStaged.identities, room, withoutPreview(warmStaged.hooks));
  // Same work in every mode: the validating servers refused nothing and stored the same document.
  for (const run of [checked, checkedStaged]) {
    if (run.refused !== 0 || run.stored !== plain.stored) throw new Error(`the validating run differs: ${run.refused} refused`);
  }
  // Each round runs every mode once, in an order rotated from round to round, so that what one
  // mode leaves behind (garbage to collect, JIT state) does not always fall on the same next mode.
  const runs: Array<() => Promise<void>> = [
    async () => void samples.none.push(await replay(session, (await newAccess()).identities, room, undefined)),
    async () => void samples.stagingOnly.push(await replay(session, (await newAccess()).identities, room, stageOnlyHooks)),
    async () => {
      const access = await newAccess();
      samples.validating.push(await replay(session, access.identities, room, access.hooks));
    },
    async () => {
      const access = await newAccess();
      samples.stagedValidating.push(await replay(session, access.identities, room, withoutPreview(access.hooks)));
    },
  ];
  for (let r = 0; r < o.rounds; r++) {
    for (let m = 0; m < runs.length; m++) await runs[(r + m) % runs.length]!();
  }
  const rate = (xs: ModeRate[]): ModeRate => ({ perS: median(xs.map((x) => x.perS)), perCpuS: median(xs.map((x) => x.perCpuS)), acceptUs: median(xs.map((x) => x.acceptUs)) });
  const modes = { none: rate(samples.none), stagingOnly: rate(samples.stagingOnly), validating: rate(samples.validating), stagedValidating: rate(samples.stagedValidating) };
  const loss = (base: number, mode: number) => ((base - mode) / base) * 100;
  const addedUs = (base: number, mode: number) => (1 / mode - 1 / base) * 1e6;
  const lossPercent = loss(modes.none.perS, modes.validating.perS);
  const cpuLossPercent = loss(modes.none.perCpuS, modes.validating.perCpuS);
  const stagedLossPercent = loss(modes.none.perS, modes.stagedValidating.perS);
  const fmt = (m: ModeRate) => `${m.perS.toFixed(0)} | ${m.perCpuS.toFixed(0)} | ${m === modes.none ? '–' : m.acceptUs.toFixed(1)}`;
  const lossCells = (m: ModeRate) =>
    `${loss(modes.none.perS, m.perS).toFixed(1)} % | ${loss(modes.none.perCpuS, m.perCpuS).toFixed(1)} % | ${addedUs(modes.none.perCpuS, m.perCpuS).toFixed(0)}`;
  log('');
  log(`Validation cost — ${session.length} updates (${o.writers} writers, ${o.boxesPerWriter} boxes each, ${o.movesPerWriter} moves each), median of ${o.rounds} alternating rounds`);
  log('| accept step | updates/s (wall) | updates/CPU-s | µs in accept step per update | loss (wall) | loss (CPU) | added CPU µs/update |');
  log('|---|---:|---:|---:|---:|---:|---:|');
  log(`| none | ${fmt(modes.none)} | – | – | – |`);
  log(`| staging only (\`proposal.stage()\`, then accept) | ${fmt(modes.stagingOnly)} | ${lossCells(modes.stagingOnly)} |`);
  log(`| sync-access, every update staged (before previews) | ${fmt(modes.stagedValidating)} | ${lossCells(modes.stagedValidating)} |`);
  log(`| sync-access (grant, client ids, validateUpdate on a preview or staged, references) | ${fmt(modes.validating)} | ${lossCells(modes.validating)} |`);
  log(
    `throughput loss: ${lossPercent.toFixed(1)} % wall, ${cpuLossPercent.toFixed(1)} % CPU (goal < 15 %); every update staged: ${stagedLossPercent.toFixed(1)} % wall; added cost ${addedUs(modes.none.perS, modes.validating.perS).toFixed(0)} µs per update (wall)`,
  );
  return {
    updates: session.length,
    baselinePerS: modes.none.perS,
    stagingOnlyPerS: modes.stagingOnly.perS,
    validatingPerS: modes.validating.perS,
    stagedValidatingPerS: modes.stagedValidating.perS,
    lossPercent,
    cpuLossPercent,
    stagedLossPercent,
    modes,
  };
}

export function parseValidationCostArgs(argv: readonly string[]): ValidationCostOptions {
  const get = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return { rounds: get('rounds', 7), writers: get('writers', 4), boxesPerWriter: get('boxes', 25), movesPerWriter: get('moves', 600) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runValidationCost(parseValidationCostArgs(process.argv.slice(2))).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
