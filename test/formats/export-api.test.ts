// Label exports and imports against a real server: two readers read an MR series blinded and an
// adjudicator writes the consensus, all with stock y-websocket clients; then the HTTP export must
// equal `readingroom export` on the stopped server's data directory byte for byte, every format
// must import back into a fresh reader's read with the geometry exact, only admins and
// adjudicators may export (and every export is audited), and the DICOM SR files must pass dcmtk.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daikonMrSeriesPath } from '@readingroom/demo-data/node';
import { readAnnotations, readStudyState, StudyDocument, type Annotation, type ImageState, type RoomScope } from '@readingroom/model';
import { runCli } from '../../apps/server/src/cli/program';
import { unzipBounded } from '../../apps/server/src/import/unzip';
import { parseInstance } from '../../packages/dicom/src/index';
import { FORMATS, imageInfoFromInstances, type FormatName, type ImageInfoInput } from '../../packages/formats/src/index';
import { readPart10 } from '../../packages/formats/src/sr/dcmjs-data';
import { startSessionWorld, type SessionWorld } from '../sessions/session-fixture';
import { until } from '../support/until';

let world: SessionWorld;
let work: string;
/** The series' images in stack order (what box3d slice indices mean). */
let stack: ImageInfoInput[];
/** What the adjudicator wrote, as the server stores it. */
let consensus: { annotations: Annotation[]; states: ImageState[] };

const FRESH = (format: FormatName) => `fresh-${format}`;
const CONSENSUS: RoomScope = { type: 'consensus' };
const sop = (i: number) => stack[i]!.sopInstanceUid;

async function documentOf(scope: RoomScope) {
  const doc = await world.server.server.sync.readDocument(world.room(scope));
  try {
    return { annotations: readAnnotations(doc), states: readStudyState(doc).imageStates };
  } finally {
    doc.destroy();
  }
}

/** Writes with a stock client of `user` in `scope`, and waits until the server stores all of it. */
async function write(user: string, scope: RoomScope, edit: (s: StudyDocument) => void): Promise<void> {
  const client = await world.stock(user, scope);
  const session = new StudyDocument(client.doc, { userId: world.ids[user]! });
  edit(session);
  const want = { annotations: session.listAnnotations().length, states: session.listImageStates().length };
  session.destroy();
  await until(async () => {
    const stored = await documentOf(scope);
    return stored.annotations.length === want.annotations && stored.states.length === want.states;
  }, 5000, `${user}'s labels to be stored`);
  client.destroy();
}

async function exportZip(user: string, query: string) {
  const res = await fetch(`${world.server.url}/api/projects/${world.projectId}/export?${query}`, { headers: { authorization: `Bearer ${world.tokens[user]}` } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

const entries = (zip: Uint8Array) => new Map(unzipBounded(zip, { maxBytes: 1 << 30 }).map((e) => [e.name, e.bytes]));

async function importLabels(user: string, query: string, body: Uint8Array | Blob | FormData | string, contentType?: string) {
  const res = await fetch(`${world.server.url}/api/projects/${world.projectId}/studies/${world.study}/import-labels?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.tokens[user]}`, ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
  return { status: res.status, json: (await res.json()) as any };
}

/** Everything the CLI printed in this file's tests. */
const printed: string[] = [];

/** `readingroom <args> --data-dir <the server's>` in this process. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...args, '--data-dir', world.server.dataDir], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
  printed.push(stdout, stderr);
  return { code, stdout, stderr };
}

function filesUnder(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (d: string) => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, name.name);
      if (name.isDirectory()) walk(path);
      else out.set(relative(dir, path).split('\\').join('/'), new Uint8Array(readFileSync(path)));
    }
  };
  walk(dir);
  return out;
}

const sortJson = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rr-export-'));
  const folder = daikonMrSeriesPath();
  const records = readdirSync(folder)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => {
      const parsed = parseInstance(new Uint8Array(readFileSync(join(folder, f))));
      if (!parsed.ok) throw new Error(`${f} did not parse`);
      return parsed.instance;
    });
  stack = imageInfoFromInstances(records);

  const members = { ann: 'reader', ben: 'reader', adam: 'adjudicator', carol: 'admin', olive: 'observer', rita: 'reviewer', tom: 'trainee' } as const;
  world = await startSessionWorld({ ...members, 'fresh-cli': 'reader', ...Object.fromEntries(FORMATS.map((f) => [FRESH(f), 'reader' as const])) });
  const ref = (i: number) => ({ studyInstanceUid: world.study, seriesInstanceUid: world.series, sopInstanceUid: sop(i) });

  await world.session('adam', 'PUT', '/assignment', { readers: [world.ids.ann, world.ids.ben] });
  await world.session('adam', 'PUT', '/phase', { phase: 'blinded' });
  const reads: Record<string, Annotation> = {};
  await write('ann', world.own('ann'), (s) => {
    reads.ann3 = s.createBox2d({ ...ref(3), geometry: { x: 40, y: 40, width: 20, height: 20 }, label: 'nodule', attributes: { confidence: 4, note: 'round, 8 mm' } });
    reads.ann7 = s.createBox2d({ ...ref(7), geometry: { x: 100, y: 100, width: 16, height: 16 }, label: 'mass' });
    s.setImageState({ level: 'image', ...ref(0) }, { status: 'no_finding' });
  });
  await write('ben', world.own('ben'), (s) => {
    reads.ben3 = s.createBox2d({ ...ref(3), geometry: { x: 42, y: 41, width: 20, height: 20 }, label: 'nodule' });
    reads.ben3d = s.createBox3d({
      studyInstanceUid: world.study,
      seriesInstanceUid: world.series,
      geometry: { x: 60, y: 150, width: 30, height: 30, firstSliceIndex: 10, lastSliceIndex: 12, firstSopInstanceUid: sop(10), lastSopInstanceUid: sop(12) },
      label: 'mass',
    });
    s.setImageState({ level: 'image', ...ref(19) }, { status: 'excluded_poor_quality', reason: 'motion blur' });
  });
  for (const reader of ['ann', 'ben']) await world.session(reader, 'POST', '/submit', {});

  await world.session('adam', 'PUT', '/phase', { phase: 'adjudication' });
  await write('adam', CONSENSUS, (s) => {
    s.acceptProposal({
      kind: 'box2d', ...ref(3), geometry: { x: 41, y: 40.5, width: 20.25, height: 20.125 }, label: 'nodule',
      attributes: { confidence: 5, note: 'agreed by both readers' },
      origin: 'fused', sources: [{ readerId: world.ids.ann!, annotationId: reads.ann3!.id }, { readerId: world.ids.ben!, annotationId: reads.ben3!.id }],
    });
    s.takeReaderBox(reads.ben3d!, world.ids.ben!);
    s.acceptProposal({ kind: 'box2d', ...ref(7), geometry: { x: 100.1, y: 100 + 1 / 3, width: 15.7, height: 12.25 }, label: 'mass', origin: 'manual' });
    s.rejectSources([{ readerId: world.ids.ann!, annotationId: reads.ann7!.id }], 'a vessel');
    s.setImageState({ level: 'image', ...ref(0) }, { status: 'no_finding' });
    s.setImageState({ level: 'image', ...ref(19) }, { status: 'excluded_poor_quality', reason: 'motion blur' });
  });
  await world.session('adam', 'PUT', '/phase', { phase: 'final' });
  consensus = await documentOf(CONSENSUS);
  expect(consensus.annotations).toHaveLength(3);
}, 120_000);

afterAll(async () => {
  await world?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('label export over HTTP and on the command line', () => {
  it('answers the consensus as a zip in every format, byte for byte what `readingroom export` writes once the server is stopped', async () => {
    const api = new Map<string, Uint8Array>();
    for (const format of [...FORMATS, 'all']) {
      const res = await exportZip('adam', `format=${format}`);
      expect(res.status, format).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('x-export-not-final')).toBe('0');
      api.set(format, res.bytes);
    }
    const all = entries(api.get('all')!);
    expect([...all.keys()].filter((p) => p !== 'export-report.json').map((p) => p.split('/')[0])).toEqual(
      expect.arrayContaining(['coco', 'yolo', 'vindr-csv', 'dicom-sr']),
    );
    // each single-format zip holds exactly that folder of the `all` zip
    for (const format of FORMATS) {
      const single = entries(api.get(format)!);
      const folder = [...all].filter(([p]) => p.startsWith(`${format}/`));
      expect(folder.length, format).toBeGreaterThan(0);
      expect([...single.keys()].filter((p) => p !== 'export-report.json')).toEqual(folder.map(([p]) => p));
      for (const [path, bytes] of folder) expect(Buffer.from(single.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
    }

    // the CLI refuses while the server holds the data directory (one audit appender)...
    const busy = await cli(['export', '--project', world.projectName, '--format', 'all', '--out', join(work, 'busy')]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/a running server holds/);

    // ...and gives the same bytes once it is stopped
    await world.server.server.close();
    try {
      for (const format of [...FORMATS, 'all']) {
        const out = join(work, `cli-${format}.zip`);
        const run = await cli(['export', '--project', world.projectName, '--format', format, '--out', out]);
        expect(run.code, run.stderr).toBe(0);
        expect(Buffer.from(readFileSync(out)).equals(Buffer.from(api.get(format)!)), `${format}: CLI zip = API zip`).toBe(true);
      }
      const dir = join(work, 'cli-all');
      const run = await cli(['export', '--project', world.projectId, '--format', 'all', '--out', dir]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^exported \d+ label files .* of 1 study from the consensus as coco, yolo, vindr-csv, dicom-sr/);
      const written = filesUnder(dir);
      expect([...written.keys()].sort()).toEqual([...all.keys()].sort());
      for (const [path, bytes] of all) expect(Buffer.from(written.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
      // a second export into the same directory could mix two exports: refused
      expect((await cli(['export', '--project', world.projectId, '--format', 'coco', '--out', dir])).code).toBe(1);
    } finally {
      await world.server.restart();
    }
  });

  it('imports each exported format back into a fresh reader: geometry exact, labels, and ids, attributes, 3D boxes and outcomes where the format has room', async () => {
    const zips = new Map<FormatName, Uint8Array>();
    for (const format of FORMATS) zips.set(format, (await exportZip('adam', `format=${format}`)).bytes);
    await world.session('carol', 'PUT', '/phase', { phase: 'blinded' }); // reads are written outside adjudication/final

    // what every format keeps: each box on each image (a 3D box as one box per slice)
    const perImage = (list: Annotation[]) =>
      sortJson(
        list.flatMap((a) => {
          const g = { x: a.geometry.x, y: a.geometry.y, width: a.geometry.width, height: a.geometry.height };
          if (a.kind === 'box2d') return [{ label: a.label, sop: a.sopInstanceUid, frame: a.frameIndex, g }];
          const slices = [];
          for (let s = a.geometry.firstSliceIndex; s <= a.geometry.lastSliceIndex; s++) slices.push({ label: a.label, sop: sop(s), frame: 0, g });
          return slices;
        }),
      );
    const whole = (a: Annotation) => {
      const { author: _a, createdBy: _c, createdAt: _t, updatedBy: _u, updatedAt: _ut, sources: _s, origin: _o, ...rest } = a;
      return rest;
    };
    const outcome = (s: ImageState) => ({ level: s.level, sop: s.level === 'image' ? s.sopInstanceUid : null, status: s.status, reason: s.reason ?? null });

    for (const format of FORMATS) {
      const fresh = FRESH(format);
      const res = await importLabels('adam', `format=${format}&as=read&reader=${world.ids[fresh]}`, zips.get(format)!, 'application/zip');
      expect(res.status, `${format}: ${JSON.stringify(res.json)}`).toBe(200);
      expect(res.json.skipped, format).toEqual([]);
      const read = await documentOf(world.own(fresh));
      expect(read.annotations.every((a) => a.author === world.ids[fresh] && a.createdBy === world.ids[fresh] && a.sources === undefined), format).toBe(true);
      expect(read.states.every((s) => s.setBy === world.ids[fresh]), format).toBe(true);
      expect(perImage(read.annotations), format).toEqual(perImage(consensus.annotations));
      if (format === 'coco' || format === 'dicom-sr') {
        // ids, kinds (the 3D box stays one box), attributes and every outcome
        expect(sortJson(read.annotations.map(whole)), format).toEqual(sortJson(consensus.annotations.map(whole)));
        expect(sortJson(read.states.map(outcome)), format).toEqual(sortJson(consensus.states.map(outcome)));
      } else {
        // no_finding comes back in both; exclusions only in YOLO (excluded.txt), the CSV has no column for them
        const expected = consensus.states.filter((s) => format === 'yolo' || s.status === 'no_finding');
        expect(sortJson(read.states.map(outcome)), format).toEqual(sortJson(expected.map(outcome)));
      }
    }

    // the same file twice: nothing new, every item reported as already present
    const again = await importLabels('adam', `format=coco&as=read&reader=${world.ids[FRESH('coco')]}`, zips.get('coco')!, 'application/zip');
    expect(again.json.imported).toEqual({ annotations: 0, imageStates: 0 });
    expect(new Set(again.json.skipped.map((s: { reason: string }) => s.reason))).toEqual(new Set(['already-present']));
    // a submitted read is locked
    const locked = await importLabels('adam', `format=coco&as=read&reader=${world.ids.ann}`, zips.get('coco')!, 'application/zip');
    expect([locked.status, locked.json.error.code]).toEqual([409, 'read_locked']);
  });

  it('writes pre-annotations into the shared document as the model, only while the session is open', async () => {
    const coco = entries((await exportZip('adam', 'format=coco')).bytes).get('coco/consensus/coco.json')!;
    await world.session('carol', 'PUT', '/phase', { phase: 'open' });
    const form = new FormData();
    form.append('file', new Blob([coco]), 'coco.json');
    const res = await importLabels('carol', 'format=coco&as=pre-annotations&model=model:lung-v3', form);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ author: 'model:lung-v3', imported: { annotations: 3, imageStates: 2 } });
    const shared = await documentOf({ type: 'shared' });
    expect(shared.annotations.map((a) => a.author)).toEqual(['model:lung-v3', 'model:lung-v3', 'model:lung-v3']);

    await world.session('carol', 'PUT', '/phase', { phase: 'blinded' });
    const refused = await importLabels('carol', 'format=coco&as=pre-annotations&model=model:lung-v4', new Blob([coco]), 'application/json');
    expect([refused.status, refused.json.error.code]).toEqual([409, 'shared_read_only']);
  });

  it('imports labels on the command line into the data directory of a stopped server, validated and audited like an edit', async () => {
    const yolo = join(work, 'cli-all', 'yolo', 'consensus'); // written by the first test
    const args = ['import-labels', '--project', world.projectName, '--study', world.study, '--format', 'yolo', '--file', yolo, '--as', 'read', '--reader', 'fresh-cli'];
    const busy = await cli(args);
    expect([busy.code, busy.stderr]).toEqual([1, expect.stringMatching(/a running server holds/)]);

    await world.server.server.close();
    try {
      const run = await cli(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^imported 5 annotations and 2 review outcomes from 9 files \(yolo\) into the read of/);
      // an observer holds no read: refused, nothing written
      const bad = join(work, 'bad-yolo');
      mkdirSync(join(bad, 'labels'), { recursive: true });
      writeFileSync(join(bad, 'labels', `${sop(5)}.txt`), '0 0.5 0.5 0.1 0.1\n');
      const observer = await cli(['import-labels', '--project', world.projectId, '--study', world.study, '--format', 'yolo', '--file', bad, '--as', 'read', '--reader', 'olive']);
      expect([observer.code, observer.stderr]).toEqual([1, expect.stringMatching(/not_a_reader/)]);
      expect((await cli(['audit', 'verify'])).code).toBe(0);
    } finally {
      await world.server.restart();
    }
    const read = await documentOf(world.own('fresh-cli'));
    expect(read.annotations).toHaveLength(5);
    const created = await world.call('carol', 'GET', `/api/audit?project=${world.projectId}&action=annotation.created&actor=${world.ids['fresh-cli']}`);
    expect(created.json.entries).toHaveLength(5);
    // ...and who ran the import is on record, with what came in.
    const imports = await world.call('carol', 'GET', `/api/audit?project=${world.projectId}&action=data.imported`);
    const entries = imports.json.entries as { targetId: string | null; after: Record<string, unknown> }[];
    expect(entries.find((e) => e.targetId === world.ids['fresh-cli'])?.after).toMatchObject({ format: 'yolo', as: 'read', annotations: 5 });
  });

  it('lets only admins and adjudicators export or import labels, and audits every export without patient data', async () => {
    for (const user of ['olive', 'ann', 'rita', 'tom']) {
      const res = await exportZip(user, 'format=coco');
      expect(res.status, user).toBe(403);
      const imported = await importLabels(user, `format=coco&as=read&reader=${world.ids[FRESH('yolo')]}`, new Blob(['{}']), 'application/json');
      expect(imported.status, user).toBe(403);
    }
    for (const user of ['adam', 'carol']) expect((await exportZip(user, 'format=vindr-csv&source=reads')).status, user).toBe(200);

    const audit = await world.call('carol', 'GET', `/api/audit?project=${world.projectId}&action=data.exported&limit=1000`);
    expect(audit.status).toBe(200);
    const exported = audit.json.entries as { actor: string; after: Record<string, unknown> }[];
    expect(exported.filter((e) => e.actor === world.ids.carol).map((e) => e.after)).toContainEqual(
      expect.objectContaining({ format: 'vindr-csv', source: 'reads', studies: 1, files: expect.any(Number), bytes: expect.any(Number), completed: true, includePatient: false }),
    );
    expect(exported.filter((e) => e.actor === world.ids.adam).length).toBeGreaterThanOrEqual(FORMATS.length + 1);
    // the CLI's exports (server stopped) are in the same trail
    expect(exported.some((e) => e.actor === 'cli' && e.after.via === 'cli')).toBe(true);
    for (const e of exported) expect(e.after.bytes as number).toBeGreaterThan(0);

    const qido = await world.call('adam', 'GET', `/dicomweb/studies?StudyInstanceUID=${world.study}`);
    const patientId = qido.json[0]['00100020'].Value[0] as string;
    expect(patientId.length).toBeGreaterThan(3);
    expect(JSON.stringify(audit.json)).not.toContain(patientId);
    expect(printed.length).toBeGreaterThan(0);
    for (const text of printed) expect(text).not.toContain(patientId);
  });

  it('writes DICOM SR documents dcmtk reads without an error or warning, without patient attributes unless asked for', async () => {
    const dsrdump = spawnSync('which', ['dsrdump'], { encoding: 'utf8' }).stdout.trim();
    expect(dsrdump, 'dcmtk is installed').not.toBe('');
    const check = async (query: string) => {
      const zip = entries((await exportZip('adam', query)).bytes);
      const srs = [...zip].filter(([path]) => path.endsWith('.dcm'));
      expect(srs.length).toBeGreaterThan(0);
      for (const [path, bytes] of srs) {
        const file = join(work, query.replace(/\W+/g, '-'), path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, bytes);
        const run = spawnSync(dsrdump, [file], { encoding: 'utf8' });
        expect(run.status, `${path}: ${run.stderr}`).toBe(0);
        expect(`${run.stdout}\n${run.stderr}`.split('\n').filter((l) => /^(E|W|F):/.test(l)), path).toEqual([]);
        expect(run.stdout).toContain('Imaging Measurement Report');
      }
      return srs.map(([, bytes]) => readPart10(bytes));
    };
    const qido = await world.call('adam', 'GET', `/dicomweb/studies?StudyInstanceUID=${world.study}`);
    const patientId = qido.json[0]['00100020'].Value[0] as string;

    // the consensus (one SR) and both readers' reads (one SR each)
    const deidentified = [...(await check('format=dicom-sr')), ...(await check('format=dicom-sr&source=reads'))];
    expect(deidentified).toHaveLength(3);
    for (const sr of deidentified) expect([sr.PatientID ?? '', sr.StudyDate ?? '']).toEqual(['', '']);
    const [identified] = await check('format=dicom-sr&includePatient=true');
    expect(identified!.PatientID).toBe(patientId);
  });
});
