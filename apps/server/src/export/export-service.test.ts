import { beforeEach, describe, expect, it } from 'vitest';
import { CocoDatasetSchema, type ImageInfoInput } from '@readingroom/formats';
import { roomName, StudyDocument, type ReadingSession, type RoomScope } from '@readingroom/model';
import { MemoryStorage, SyncServer } from '@readingroom/sync-server';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import { MemorySessionStore } from '../sessions/memory-session-store';
import { MemoryUserStore } from '../users/memory-user-store';
import { createExportService, ExportError, type ExportPlan } from './export-service';
import type { StudyImages } from './study-images';

// Two studies: a radiograph read openly (shared document) and a 3-slice CT read blinded (own
// documents) with a consensus; documents are written with the model's StudyDocument.
const DX = '1.2.826.0.1.3680043.2.1125.1.1';
const CT = '1.2.826.0.1.3680043.2.1125.1.2';
const PATIENT = { patientName: 'Doe^Jane', patientId: 'PID-4711', patientSex: 'F' as const, studyDate: '20240102', accessionNumber: 'ACC-99' };
const T0 = Date.UTC(2025, 0, 10, 8, 0, 0);

const dxImage: ImageInfoInput = {
  imageId: `${DX}.3`, studyInstanceUid: DX, seriesInstanceUid: `${DX}.2`, sopInstanceUid: `${DX}.3`, sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1',
  rows: 2048, columns: 2500, sliceIndex: null, imagePositionPatient: null, imageOrientationPatient: null, pixelSpacing: [0.2, 0.2],
};
const ctImages: ImageInfoInput[] = [0, 1, 2].map((i) => ({
  imageId: `${CT}.3.${i}`, studyInstanceUid: CT, seriesInstanceUid: `${CT}.2`, sopInstanceUid: `${CT}.3.${i}`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  rows: 512, columns: 512, sliceIndex: i, imagePositionPatient: [-100, -100, i * 2.5], imageOrientationPatient: [1, 0, 0, 0, 1, 0], pixelSpacing: [0.7, 0.7],
  frameOfReferenceUid: `${CT}.9`,
}));
const imagesOf = (uid: string): StudyImages | null =>
  uid === DX ? { images: [dxImage], from: 'catalog', study: { studyInstanceUid: DX, ...PATIENT } } : uid === CT ? { images: ctImages, from: 'catalog', study: { studyInstanceUid: CT, ...PATIENT } } : null;

let projects: MemoryProjectStore;
let sessions: MemorySessionStore;
let users: MemoryUserStore;
let sync: SyncServer;
let projectId: string;
const ids: Record<string, string> = {};

async function write(study: string, scope: RoomScope, userId: string, at: number, edit: (s: StudyDocument) => void) {
  await sync.changeDocument(roomName({ projectId, studyInstanceUid: study, scope }), { userId, data: null }, (doc) => {
    const session = new StudyDocument(doc, { userId, now: () => at });
    try {
      edit(session);
    } finally {
      session.destroy();
    }
  });
}

const setSession = (study: string, session: Partial<ReadingSession>) =>
  sessions.modify(projectId, (d) => d.set(study, { ...d.get(study), ...session }));

const service = () => createExportService({ projects, sessions, users, documents: sync, images: async (uid) => imagesOf(uid) });
const text = (plan: ExportPlan, path: string) => new TextDecoder().decode(plan.files.find((f) => f.path === path)?.bytes);

beforeEach(async () => {
  projects = new MemoryProjectStore();
  sessions = new MemorySessionStore();
  users = new MemoryUserStore();
  sync = new SyncServer({ storage: new MemoryStorage(), unloadDelayMs: 0 });
  for (const name of ['ana', 'ben', 'adam']) ids[name] = (await users.create({ username: name, passwordHash: 'x', isAdmin: false })).id;
  projectId = (await projects.createProject({ name: 'p', description: '', settings: DEFAULT_SETTINGS, createdBy: 'test' })).id;
  for (const name of ['nodule', 'mass']) await projects.createLabel(projectId, { name, colour: '#ff0000', hotkey: null, kind: 'box2d', attributes: [] });
  await projects.addStudies(projectId, [DX, CT], 'test');
  await projects.setMember(projectId, ids.ana!, 'reader');
  await projects.setMember(projectId, ids.ben!, 'reader');
  await projects.setMember(projectId, ids.adam!, 'adjudicator');

  // DX: open session, ana reads in the shared document.
  await write(DX, { type: 'shared' }, ids.ana!, T0, (s) => {
    s.createBox2d({ studyInstanceUid: DX, seriesInstanceUid: dxImage.seriesInstanceUid, sopInstanceUid: dxImage.sopInstanceUid, geometry: { x: 1204.5, y: 630.25, width: 96, height: 88.5 }, label: 'nodule' });
  });
  // CT: blinded reads by ana and ben, ana submitted; a consensus in adjudication.
  await setSession(CT, { phase: 'adjudication', readers: [ids.ana!, ids.ben!], submitted: { [ids.ana!]: T0 + 5000 } });
  for (const [i, reader] of ['ana', 'ben'].entries()) {
    await write(CT, { type: 'reader', userId: ids[reader]! }, ids[reader]!, T0 + 1000 * (i + 1), (s) => {
      s.createBox2d({ studyInstanceUid: CT, seriesInstanceUid: `${CT}.2`, sopInstanceUid: `${CT}.3.1`, geometry: { x: 100 + i, y: 100, width: 20, height: 20 }, label: 'mass' });
    });
  }
  await write(CT, { type: 'consensus' }, ids.adam!, T0 + 9000, (s) => {
    s.acceptProposal({ kind: 'box2d', studyInstanceUid: CT, seriesInstanceUid: `${CT}.2`, sopInstanceUid: `${CT}.3.1`, geometry: { x: 100.5, y: 100, width: 20, height: 20 }, label: 'mass', origin: 'manual' });
    s.setImageState({ level: 'image', studyInstanceUid: CT, seriesInstanceUid: `${CT}.2`, sopInstanceUid: `${CT}.3.0` }, { status: 'no_finding' });
  });
});

describe('export service', () => {
  it('exports the consensus in every format, one folder each, and warns that it is not final', async () => {
    const plan = await service().prepare({ projectId, formats: ['coco', 'yolo', 'vindr-csv', 'dicom-sr'], source: 'consensus' });
    expect(plan.files.map((f) => f.path)).toEqual([
      'export-report.json',
      'coco/consensus/coco.json',
      `dicom-sr/consensus/${CT}.dcm`,
      'vindr-csv/consensus/annotations.csv',
      'yolo/consensus/classes.txt',
      'yolo/consensus/excluded.txt',
      'yolo/consensus/images.txt',
      `yolo/consensus/labels/${CT}.3.0.txt`,
      `yolo/consensus/labels/${CT}.3.1.txt`,
    ]);
    const coco = CocoDatasetSchema.parse(JSON.parse(text(plan, 'coco/consensus/coco.json')));
    expect(coco.annotations.map((a) => a.bbox)).toEqual([[100.5, 100, 20, 20]]);
    expect(coco.images).toHaveLength(3); // only the study with a consensus
    expect(plan.report.notFinal).toEqual([CT]);
    expect(plan.report.warnings.map((w) => [w.item, w.message])).toEqual([
      [DX, 'no consensus yet (phase open): the study is not exported'],
      [CT, 'the consensus is not final (phase adjudication): it may still change'],
    ]);
    expect(plan.report.asOf).toBe(new Date(T0 + 9000).toISOString());
    expect(JSON.parse(text(plan, 'export-report.json'))).toEqual(plan.report);
  });

  it('never writes the patient name, ID or accession number into any file unless asked to', async () => {
    const needles = ['Doe', 'Jane', 'PID-4711', 'ACC-99', '20240102'];
    const all = async (includePatient: boolean) =>
      (await service().prepare({ projectId, formats: ['coco', 'yolo', 'vindr-csv', 'dicom-sr'], source: 'consensus', includePatient })).files;
    for (const file of await all(false)) {
      const haystack = Buffer.from(file.bytes).toString('latin1');
      for (const needle of needles) expect(haystack.includes(needle), `${needle} in ${file.path}`).toBe(false);
    }
    const sr = (await all(true)).find((f) => f.path.endsWith('.dcm'))!;
    const withPatient = Buffer.from(sr.bytes).toString('latin1');
    for (const needle of needles) expect(withPatient.includes(needle), needle).toBe(true);
  });

  it("exports each reader's read on its own: blinded reads from their documents, open reads from the shared one", async () => {
    const plan = await service().prepare({ projectId, formats: ['vindr-csv'], source: 'reads' });
    const csv = (reader: string) => text(plan, `vindr-csv/${ids[reader]}/annotations.csv`).trim().split('\r\n');
    expect(csv('ana')).toEqual([
      'image_id,class_name,class_id,rad_id,x_min,y_min,x_max,y_max',
      `${dxImage.imageId},nodule,0,${ids.ana},1204.5,630.25,1300.5,718.75`,
      `${CT}.3.1,mass,1,${ids.ana},100,100,120,120`,
    ]);
    expect(csv('ben')).toEqual(['image_id,class_name,class_id,rad_id,x_min,y_min,x_max,y_max', `${CT}.3.1,mass,1,${ids.ben},101,100,121,120`]);
    expect(plan.report.studies.find((s) => s.studyInstanceUid === DX)!.reads).toEqual([{ readerId: ids.ana, from: 'shared', submitted: false }]);
    expect(plan.report.studies.find((s) => s.studyInstanceUid === CT)!.reads).toEqual([
      { readerId: ids.ana, from: 'own', submitted: true },
      { readerId: ids.ben, from: 'own', submitted: false },
    ]);
    expect(plan.report.readers).toEqual([
      { id: ids.ana, displayName: 'ana' },
      { id: ids.ben, displayName: 'ben' },
    ].sort((a, b) => (a.id! < b.id! ? -1 : 1)));
    expect(plan.report.notFinal).toEqual([DX, CT]);
  });

  it('gives the same bytes on every run for the same labels', async () => {
    const request = { projectId, formats: ['coco', 'yolo', 'vindr-csv', 'dicom-sr'] as const, source: 'reads' as const };
    const a = await service().prepare({ ...request, formats: [...request.formats] });
    const b = await service().prepare({ ...request, formats: [...request.formats] });
    expect(b.files.map((f) => [f.path, Buffer.from(f.bytes).toString('base64')])).toEqual(a.files.map((f) => [f.path, Buffer.from(f.bytes).toString('base64')]));
  });

  it('refuses a study that is not in the project and an unknown project', async () => {
    await expect(service().prepare({ projectId, formats: ['coco'], source: 'consensus', studies: ['1.2.3.4'] })).rejects.toMatchObject({ code: 'study_not_found' });
    await expect(service().prepare({ projectId: 'nope', formats: ['coco'], source: 'consensus' })).rejects.toBeInstanceOf(ExportError);
  });

  it('leaves out, with a warning, the labels of a study whose images nobody knows', async () => {
    const blind = createExportService({ projects, sessions, users, documents: sync, images: async (uid) => (uid === CT ? null : imagesOf(uid)) });
    const plan = await blind.prepare({ projectId, formats: ['coco'], source: 'consensus', studies: [CT] });
    expect(plan.report.files).toEqual([]);
    expect(plan.report.warnings.map((w) => w.message)).toContain('the images of this study are unknown (not in the catalog, no DICOMweb source): its labels are not exported');
  });
});
