import { describe, expect, it } from 'vitest';
import { MemoryProjectStore } from './memory-project-store';
import { DEFAULT_SETTINGS } from './project-schemas';
import { withProjectEvents, type ProjectChange } from './project-events';

describe('withProjectEvents', () => {
  it('announces member, label, study and project changes after they are stored, and nothing for reads or no-ops', async () => {
    const { store, changes } = withProjectEvents(new MemoryProjectStore());
    const seen: ProjectChange[] = [];
    const stop = changes.subscribe((c) => seen.push(c));
    const p = await store.createProject({ name: 'p', description: '', settings: DEFAULT_SETTINGS, createdBy: 'u' });
    await store.setMember(p.id, 'alice', 'reader');
    expect(await store.listMembers(p.id)).toEqual([{ projectId: p.id, userId: 'alice', role: 'reader' }]);
    await store.removeMember(p.id, 'alice');
    await store.removeMember(p.id, 'nobody');
    const label = await store.createLabel(p.id, { name: 'nodule', colour: '#ff0000', hotkey: null, kind: 'box2d', attributes: [] });
    await store.deleteLabel(p.id, label!.id);
    await store.addStudies(p.id, ['1.2.3'], 'u');
    await store.addStudies(p.id, ['1.2.3'], 'u');
    await store.removeStudy(p.id, '1.2.3');
    await store.deleteProject(p.id);
    stop();
    await store.setMember(p.id, 'bob', 'reader');
    expect(seen).toEqual([
      { type: 'member', projectId: p.id, userId: 'alice' },
      { type: 'member', projectId: p.id, userId: 'alice' },
      { type: 'labels', projectId: p.id },
      { type: 'labels', projectId: p.id },
      { type: 'studies', projectId: p.id },
      { type: 'studies', projectId: p.id },
      { type: 'project', projectId: p.id },
    ]);
  });

  it('keeps the write when a listener throws', async () => {
    const { store, changes } = withProjectEvents(new MemoryProjectStore());
    changes.subscribe(() => {
      throw new Error('listener failed');
    });
    const p = await store.createProject({ name: 'p', description: '', settings: DEFAULT_SETTINGS, createdBy: 'u' });
    await expect(store.setMember(p.id, 'alice', 'observer')).resolves.toBe(true);
    expect(await store.membershipsOf('alice')).toHaveLength(1);
  });
});
