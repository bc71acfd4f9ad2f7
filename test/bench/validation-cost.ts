/**
 * What validating every update costs: updates/s applied by an in-process SyncServer (memory
 * storage, fake sockets, no network) fed the same recorded editing session three times a round —
 * once with no accept hook, once with the server's sync-access hooks (grant check, client id
 * ownership, staging, `validateUpdate` with taxonomy and image sizes, reference checks) and once
 * with an accept step that only stages (to separate the staging copy's share) — in
 * alternating rounds on the same machine in the same run. Prints the rates and the loss.
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

export interface ValidationCostResult {
  readonly updates: number;
  readonly baselinePerS: number;
  /** With an accept step that only stages the update (the staging copy's share of the cost). */
  readonly stagingOnlyPerS: number;
  readonly validatingPerS: number;
  /** (baseline − validating) / baseline, in percent. */
  readonly lossPercent: number;
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
): Promise<{ perS: number; refused: number; stored: string }> {
  let refused = 0;
  const counting: SyncHooks | undefined = hooks && {
    ...hooks,
    acceptUpdate: (p) => {
      const decision = hooks.acceptUpdate!(p);
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
  const start = performance.now();
  for (let i = 0; i < log.length; i++) conns[log[i]!.writer]!.receive(frames[i]!);
  await sync.flushAll();
  const seconds = (performance.now() - start) / 1000;
  await sync.shutdown();
  const record = await storage.loadRoom(room);
  const doc = new Y.Doc();
  if (record.snapshot) Y.applyUpdate(doc, record.snapshot);
  for (const u of record.updates) Y.applyUpdate(doc, u.update);
  return { perS: log.length / seconds, refused, stored: JSON.stringify(doc.getMap('annotations').toJSON()) };
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

  const baseline: number[] = [];
  const stagingOnly: number[] = [];
  const validating: number[] = [];
  const stageOnlyHooks: SyncHooks = {
    acceptUpdate: (p) => {
      p.stage();
      return ACCEPT;
    },
  };
  // warm-up (JIT) of both paths, not measured
  const warm = await newAccess();
  const plain = await replay(session, warm.identities, room, undefined);
  const checked = await replay(session, warm.identities, room, warm.hooks);
  // Same work in both modes: the validating server refused nothing and stored the same document.
  if (checked.refused !== 0 || checked.stored !== plain.stored) throw new Error(`the validating run differs: ${checked.refused} refused`);
  for (let r = 0; r < o.rounds; r++) {
    const a = await newAccess();
    baseline.push((await replay(session, a.identities, room, undefined)).perS);
    stagingOnly.push((await replay(session, a.identities, room, stageOnlyHooks)).perS);
    const b = await newAccess();
    validating.push((await replay(session, b.identities, room, b.hooks)).perS);
  }
  const baselinePerS = median(baseline);
  const validatingPerS = median(validating);
  const stagingOnlyPerS = median(stagingOnly);
  const lossPercent = ((baselinePerS - validatingPerS) / baselinePerS) * 100;
  log('');
  log(`Validation cost — ${session.length} updates (${o.writers} writers, ${o.boxesPerWriter} boxes each, ${o.movesPerWriter} moves each), median of ${o.rounds} alternating rounds`);
  log('| accept step | updates/s applied |');
  log('|---|---:|');
  log(`| none | ${baselinePerS.toFixed(0)} |`);
  log(`| staging only (\`proposal.stage()\`, then accept) | ${stagingOnlyPerS.toFixed(0)} |`);
  log(`| sync-access (grant, client ids, validateUpdate, references) | ${validatingPerS.toFixed(0)} |`);
  log(`throughput loss: ${lossPercent.toFixed(1)} % (goal < 15 %); added cost ${((1 / validatingPerS - 1 / baselinePerS) * 1e6).toFixed(0)} µs per update`);
  return { updates: session.length, baselinePerS, stagingOnlyPerS, validatingPerS, lossPercent };
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
