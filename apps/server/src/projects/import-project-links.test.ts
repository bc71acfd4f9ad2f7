import { describe, expect, it } from 'vitest';
import type { ImportProjects } from '../import/import-projects';
import { importProjectLinks } from './import-project-links';
import { MemoryProjectStore } from './memory-project-store';
import { DEFAULT_SETTINGS } from './project-schemas';

describe('importProjectLinks', () => {
  it('finds projects by name or id and links imported studies to them', async () => {
    const store = new MemoryProjectStore();
    const p = await store.createProject({ name: 'Lung', description: '', settings: { ...DEFAULT_SETTINGS, forceDeidentify: true }, createdBy: 'u' });
    const links: ImportProjects = importProjectLinks(store, 'importer');
    expect(await links.findProjectByName('Lung')).toMatchObject({ id: p.id, settings: { forceDeidentify: true } });
    expect(await links.findProjectById(p.id)).toMatchObject({ id: p.id });
    expect(await links.findProjectByName('Nope')).toBeNull();
    await links.linkStudy(p.id, '1.2.3');
    expect(await store.listStudies(p.id)).toEqual([{ studyInstanceUid: '1.2.3', addedAt: expect.any(Number), addedBy: 'importer' }]);
  });
});
