import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from './project-schemas';
import { LabelConflictError, ProjectNameTakenError, type NewLabelClass, type ProjectStore } from './project-store';

const STUDY_A = '1.2.840.1';
const STUDY_B = '1.2.840.2';

const label = (overrides: Partial<NewLabelClass> = {}): NewLabelClass => ({
  name: 'nodule',
  colour: '#ff0000',
  hotkey: 'n',
  kind: 'box2d',
  attributes: [{ key: 'malignancy', type: 'enum', options: ['benign', 'malignant'], required: true }],
  ...overrides,
});

/** Behaviour every ProjectStore must have; each implementation calls this once. */
export function runProjectStoreTests(name: string, open: () => Promise<ProjectStore>): void {
  describe(`ProjectStore: ${name}`, () => {
    const withStore = (fn: (store: ProjectStore) => Promise<void>) => async () => {
      const store = await open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    };
    const newProject = (store: ProjectStore, projectName = 'Lung screening') =>
      store.createProject({ name: projectName, description: 'd', settings: DEFAULT_SETTINGS, createdBy: 'u-admin' });

    it('creates a project and finds it by id and by name, listing projects by name', withStore(async (store) => {
      const lung = await newProject(store);
      await newProject(store, 'Brain MR');
      expect(await store.getProject(lung.id)).toEqual(lung);
      expect(await store.findProjectByName('Lung screening')).toEqual(lung);
      expect((await store.listProjects()).map((p) => p.name)).toEqual(['Brain MR', 'Lung screening']);
      expect(await store.getProject('00000000-0000-0000-0000-000000000000')).toBeNull();
    }));

    it('refuses a duplicate project name on create and on rename', withStore(async (store) => {
      await newProject(store, 'A');
      const b = await newProject(store, 'B');
      await expect(newProject(store, 'A')).rejects.toBeInstanceOf(ProjectNameTakenError);
      await expect(store.updateProject(b.id, { name: 'A' })).rejects.toBeInstanceOf(ProjectNameTakenError);
    }));

    it('updates only the given fields and keeps settings with their upstream password', withStore(async (store) => {
      const p = await newProject(store);
      const settings = { forceDeidentify: true, source: { type: 'dicomweb' as const, url: 'https://pacs.example/dicom-web', username: 'u', password: 'p' } };
      const updated = await store.updateProject(p.id, { settings });
      expect(updated).toMatchObject({ name: p.name, description: 'd', settings });
      expect(await store.getProject(p.id)).toEqual(updated);
      expect(await store.updateProject('missing', { name: 'x' })).toBeNull();
    }));

    it('adds members, changes a role, lists memberships of a user and removes a member', withStore(async (store) => {
      const p = await newProject(store);
      const q = await newProject(store, 'Other');
      expect(await store.setMember(p.id, 'u1', 'reader')).toBe(true);
      expect(await store.setMember(p.id, 'u1', 'adjudicator')).toBe(true);
      expect(await store.setMember(q.id, 'u1', 'observer')).toBe(true);
      expect(await store.setMember('missing', 'u1', 'reader')).toBe(false);
      expect(await store.listMembers(p.id)).toEqual([{ projectId: p.id, userId: 'u1', role: 'adjudicator' }]);
      expect((await store.membershipsOf('u1')).map((m) => m.role).sort()).toEqual(['adjudicator', 'observer']);
      expect(await store.removeMember(p.id, 'u1')).toBe(true);
      expect(await store.removeMember(p.id, 'u1')).toBe(false);
      expect(await store.listMembers(p.id)).toEqual([]);
    }));

    it('keeps a taxonomy per project in order, with defaults after the last class', withStore(async (store) => {
      const p = await newProject(store);
      const nodule = await store.createLabel(p.id, label());
      const mass = await store.createLabel(p.id, label({ name: 'mass', hotkey: null, kind: 'box3d', attributes: [] }));
      const first = await store.createLabel(p.id, label({ name: 'artefact', hotkey: 'a', kind: 'finding', order: -1 }));
      expect(nodule?.order).toBe(0);
      expect(mass?.order).toBe(1);
      expect((await store.listLabels(p.id)).map((l) => l.name)).toEqual(['artefact', 'nodule', 'mass']);
      expect(await store.listLabels(p.id)).toContainEqual(nodule);
      expect(first?.projectId).toBe(p.id);
      expect(await store.createLabel('missing', label())).toBeNull();
    }));

    it('refuses a duplicate label name or hotkey within a project, but not across projects', withStore(async (store) => {
      const p = await newProject(store);
      const q = await newProject(store, 'Other');
      await store.createLabel(p.id, label());
      await store.createLabel(p.id, label({ name: 'no-hotkey-1', hotkey: null }));
      await store.createLabel(p.id, label({ name: 'no-hotkey-2', hotkey: null }));
      await expect(store.createLabel(p.id, label({ hotkey: 'x' }))).rejects.toMatchObject({ field: 'name' });
      await expect(store.createLabel(p.id, label({ name: 'other' }))).rejects.toBeInstanceOf(LabelConflictError);
      await expect(store.createLabel(p.id, label({ name: 'other' }))).rejects.toMatchObject({ field: 'hotkey' });
      expect(await store.createLabel(q.id, label())).not.toBeNull();
    }));

    it('updates and deletes a label class, checking conflicts against the others only', withStore(async (store) => {
      const p = await newProject(store);
      const a = (await store.createLabel(p.id, label()))!;
      const b = (await store.createLabel(p.id, label({ name: 'mass', hotkey: 'm' })))!;
      expect(await store.updateLabel(p.id, a.id, { name: 'nodule', hotkey: 'n', colour: '#00ff00' })).toMatchObject({ colour: '#00ff00' });
      await expect(store.updateLabel(p.id, b.id, { hotkey: 'n' })).rejects.toMatchObject({ field: 'hotkey' });
      expect(await store.updateLabel(p.id, b.id, { hotkey: null })).toMatchObject({ hotkey: null, name: 'mass' });
      expect(await store.updateLabel(p.id, 'missing', { name: 'x' })).toBeNull();
      expect(await store.deleteLabel(p.id, a.id)).toBe(true);
      expect(await store.deleteLabel(p.id, a.id)).toBe(false);
      expect((await store.listLabels(p.id)).map((l) => l.name)).toEqual(['mass']);
    }));

    it('adds studies idempotently, finds the projects of a study and removes a study', withStore(async (store) => {
      const p = await newProject(store);
      const q = await newProject(store, 'Other');
      expect(await store.addStudies(p.id, [STUDY_A, STUDY_B, STUDY_A], 'u1')).toBe(2);
      expect(await store.addStudies(p.id, [STUDY_A], 'u2')).toBe(0);
      expect(await store.addStudies(q.id, [STUDY_A], 'u2')).toBe(1);
      expect(await store.addStudies('missing', [STUDY_A], 'u2')).toBe(0);
      const studies = await store.listStudies(p.id);
      expect(studies.map((s) => [s.studyInstanceUid, s.addedBy])).toEqual([[STUDY_A, 'u1'], [STUDY_B, 'u1']]);
      expect((await store.projectsWithStudy(STUDY_A)).sort()).toEqual([p.id, q.id].sort());
      expect(await store.removeStudy(p.id, STUDY_A)).toBe(true);
      expect(await store.removeStudy(p.id, STUDY_A)).toBe(false);
      expect(await store.projectsWithStudy(STUDY_A)).toEqual([q.id]);
    }));

    it('deletes a project with its members, labels and studies', withStore(async (store) => {
      const p = await newProject(store);
      await store.setMember(p.id, 'u1', 'reader');
      await store.createLabel(p.id, label());
      await store.addStudies(p.id, [STUDY_A], 'u1');
      expect(await store.deleteProject(p.id)).toBe(true);
      expect(await store.deleteProject(p.id)).toBe(false);
      expect(await store.getProject(p.id)).toBeNull();
      expect(await store.membershipsOf('u1')).toEqual([]);
      expect(await store.listLabels(p.id)).toEqual([]);
      expect(await store.projectsWithStudy(STUDY_A)).toEqual([]);
    }));
  });
}
