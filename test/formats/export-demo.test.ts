// The demo project's training data in all four formats from ONE command, run as an operator
// would: `readingroom demo`, then `readingroom export --project <demo> --format all --out DIR`,
// each a separate process on the same data directory.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAnnotations, roomName } from '@readingroom/model';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import { SyncServer } from '@readingroom/sync-server';
import { DEMO_PROJECT_NAME } from '../../apps/server/src/demo/demo-taxonomy';
import type { ExportReportView } from '../../apps/server/src/export/export-schemas';
import { CocoDatasetSchema } from '../../packages/formats/src/index';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
let work: string;
let dataDir: string;
let out: string;
let exported: { stdout: string; stderr: string };

async function readingroom(args: readonly string[]) {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/main.ts', ...args, '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, READINGROOM_DATA_DIR: undefined, READINGROOM_ADMIN_PASSWORD: 'demo-admin-password-1' },
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rr-export-demo-'));
  dataDir = join(work, 'data');
  out = join(work, 'training-data');
  await readingroom(['demo']);
  exported = await readingroom(['export', '--project', DEMO_PROJECT_NAME, '--format', 'all', '--out', out]);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('readingroom export of the demo project', () => {
  it('writes COCO, YOLO, VinDr-CSV and DICOM SR of the consensus with one command', () => {
    const report = JSON.parse(readFileSync(join(out, 'export-report.json'), 'utf8')) as ExportReportView;
    expect(report.formats).toEqual(['coco', 'yolo', 'vindr-csv', 'dicom-sr']);
    const withConsensus = report.studies.filter((s) => s.hasConsensus);
    expect(withConsensus.length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'coco/consensus/coco.json'))).toBe(true);
    for (const f of ['classes.txt', 'images.txt', 'excluded.txt']) expect(existsSync(join(out, 'yolo/consensus', f)), f).toBe(true);
    expect(readdirSync(join(out, 'yolo/consensus/labels')).length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'vindr-csv/consensus/annotations.csv'), 'utf8').trim().split('\r\n').length).toBeGreaterThan(1);
    expect(readdirSync(join(out, 'dicom-sr/consensus')).sort()).toEqual(withConsensus.map((s) => `${s.studyInstanceUid}.dcm`).sort());
    expect(exported.stdout).toMatch(/^exported \d+ label files/);
    // a consensus that is not locked yet is named in the summary and the report
    const open = withConsensus.filter((s) => !s.final).map((s) => s.studyInstanceUid);
    expect(report.notFinal).toEqual(open);
    if (open.length > 0) expect(exported.stdout).toContain(`NOT FINAL: ${open.length}`);
  });

  it("holds exactly the consensus documents' boxes", async () => {
    const report = JSON.parse(readFileSync(join(out, 'export-report.json'), 'utf8')) as ExportReportView;
    const rooms = SqliteStorage.open({ filename: join(dataDir, 'rooms.db') });
    let stored = 0;
    try {
      const sync = new SyncServer({ storage: rooms });
      for (const study of report.studies.filter((s) => s.hasConsensus)) {
        const doc = await sync.readDocument(roomName({ projectId: report.projectId, studyInstanceUid: study.studyInstanceUid, scope: { type: 'consensus' } }));
        stored += readAnnotations(doc).filter((a) => a.kind === 'box2d').length;
        doc.destroy();
      }
    } finally {
      await rooms.close();
    }
    const coco = CocoDatasetSchema.parse(JSON.parse(readFileSync(join(out, 'coco/consensus/coco.json'), 'utf8')));
    expect(stored).toBeGreaterThan(0);
    expect(coco.annotations.filter((a) => a.box3d_id === undefined)).toHaveLength(stored);
    expect(report.skipped).toEqual([]);
  });

  it('writes SR documents dcmtk reads cleanly', () => {
    const dsrdump = spawnSync('which', ['dsrdump'], { encoding: 'utf8' }).stdout.trim();
    expect(dsrdump).not.toBe('');
    for (const name of readdirSync(join(out, 'dicom-sr/consensus'))) {
      const run = spawnSync(dsrdump, [join(out, 'dicom-sr/consensus', name)], { encoding: 'utf8' });
      expect(run.status, name).toBe(0);
      expect(`${run.stdout}\n${run.stderr}`.split('\n').filter((l) => /^(E|W|F):/.test(l)), name).toEqual([]);
    }
  });
});
