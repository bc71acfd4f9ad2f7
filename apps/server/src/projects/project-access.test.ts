import { describe, expect, it } from 'vitest';
import { validateAnnotation } from '@readingroom/model';
import { MemoryProjectStore } from './memory-project-store';
import { createProjectAccess } from './project-access';
import { projectLabelNames } from './project-label-names';
import { DEFAULT_SETTINGS } from './project-schemas';

const STUDY = '1.2.840.113619.2.55.3.1';
const OTHER_STUDY = '1.2.840.113619.2.55.3.2';
const admin = { id: 'u-admin', isAdmin: true };
const reader = { id: 'u-reader', isAdmin: false };
const stranger = { id: 'u-stranger', isAdmin: false };

async function setup() {
  const store = new MemoryProjectStore();
  const lung = await store.createProject({ name: 'Lung', description: '', settings: DEFAULT_SETTINGS, createdBy: admin.id });
  const brain = await store.createProject({ name: 'Brain', description: '', settings: DEFAULT_SETTINGS, createdBy: admin.id });
  await store.setMember(lung.id, reader.id, 'reader');
  await store.addStudies(lung.id, [STUDY], admin.id);
  await store.addStudies(brain.id, [OTHER_STUDY], admin.id);
  return { store, lung, brain, access: createProjectAccess(store) };
}

describe('ProjectAccess', () => {
  it('lets a member of a project containing the study access it, and nobody else but admins', async () => {
    const { access } = await setup();
    expect(await access.canAccessStudy(reader, STUDY)).toBe(true);
    expect(await access.canAccessStudy(reader, OTHER_STUDY)).toBe(false);
    expect(await access.canAccessStudy(stranger, STUDY)).toBe(false);
    expect(await access.canAccessStudy(admin, '1.2.3.4')).toBe(true);
  });

  it('lists the study UIDs a user may see, and null (all) for admins', async () => {
    const { access, store, brain } = await setup();
    expect(await access.studyUidsForUser(reader)).toEqual([STUDY]);
    await store.setMember(brain.id, reader.id, 'observer');
    expect(await access.studyUidsForUser(reader)).toEqual([STUDY, OTHER_STUDY].sort());
    expect(await access.studyUidsForUser(stranger)).toEqual([]);
    expect(await access.studyUidsForUser(admin)).toBeNull();
  });

  it('reports roles per project and the projects of a user', async () => {
    const { access, lung } = await setup();
    expect(await access.roleIn(lung.id, reader.id)).toBe('reader');
    expect(await access.roleIn(lung.id, stranger.id)).toBeNull();
    expect(await access.rolesFor(reader.id)).toEqual(new Map([[lung.id, 'reader']]));
    expect((await access.projectsForUser(reader)).map((p) => p.name)).toEqual(['Lung']);
    expect((await access.projectsForUser(admin)).map((p) => p.name)).toEqual(['Brain', 'Lung']);
  });
});

describe('projectLabelNames', () => {
  it('feeds validateAnnotation, which reports a label outside the project taxonomy as invalid', async () => {
    const { store, lung } = await setup();
    await store.createLabel(lung.id, { name: 'nodule', colour: '#ff0000', hotkey: 'n', kind: 'box2d', attributes: [] });
    const labels = await projectLabelNames(store, lung.id);
    expect(labels).toEqual(['nodule']);
    const annotation = (label: string) => ({
      id: 'a1',
      kind: 'box2d',
      studyInstanceUid: STUDY,
      seriesInstanceUid: `${STUDY}.1`,
      sopInstanceUid: `${STUDY}.1.1`,
      frameIndex: 0,
      geometry: { x: 1, y: 2, width: 3, height: 4 },
      label,
      attributes: {},
      author: reader.id,
      createdBy: reader.id,
      createdAt: 1,
      updatedBy: reader.id,
      updatedAt: 1,
      deleted: false,
    });
    expect(validateAnnotation(annotation('nodule'), { labels })).toEqual([]);
    expect(validateAnnotation(annotation('tumour'), { labels })).toEqual([
      expect.objectContaining({ code: 'label-not-in-taxonomy', path: ['label'] }),
    ]);
  });
});
