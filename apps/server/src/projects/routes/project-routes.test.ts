import { describe, expect, it } from 'vitest';
import { projectTestApp } from './test-app';

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('/api/projects', () => {
  it('lets a global admin create, read, rename and delete a project', async () => {
    const { call, people } = await projectTestApp();
    const created = await call(people.root, 'POST', '/api/projects', { name: 'Lung', description: 'screening' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'Lung',
      description: 'screening',
      settings: { forceDeidentify: false, source: { type: 'local' } },
      createdBy: people.root.id,
      role: null,
    });
    const id = created.json.id as string;
    expect((await call(people.root, 'GET', `/api/projects/${id}`)).json.name).toBe('Lung');
    const renamed = await call(people.root, 'PATCH', `/api/projects/${id}`, { name: 'Lung CT', settings: { forceDeidentify: true } });
    expect(renamed.json).toMatchObject({ name: 'Lung CT', description: 'screening', settings: { forceDeidentify: true } });
    expect((await call(people.root, 'DELETE', `/api/projects/${id}`)).status).toBe(204);
    expect((await call(people.root, 'GET', `/api/projects/${id}`)).status).toBe(404);
  });

  it('lists only the projects a user belongs to, with their role; all of them for admins', async () => {
    const { call, people, lungProject } = await projectTestApp();
    await lungProject();
    await call(people.root, 'POST', '/api/projects', { name: 'Brain' });
    const mine = await call(people.alice, 'GET', '/api/projects');
    expect(mine.json.projects.map((p: { name: string; role: string }) => [p.name, p.role])).toEqual([['Lung', 'reader']]);
    expect((await call(people.bob, 'GET', '/api/projects')).json.projects).toEqual([]);
    expect((await call(people.root, 'GET', '/api/projects')).json.projects.map((p: { name: string }) => p.name)).toEqual(['Brain', 'Lung']);
  });

  it('answers 401 without a token', async () => {
    const { call } = await projectTestApp();
    expect((await call(null, 'GET', '/api/projects')).status).toBe(401);
    expect((await call(null, 'GET', `/api/projects/${MISSING}/labels`)).status).toBe(401);
  });

  it('answers 403 to a non-member reading a project and 404 for an unknown id', async () => {
    const { call, people, lungProject } = await projectTestApp();
    const id = await lungProject();
    const res = await call(people.bob, 'GET', `/api/projects/${id}`);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden');
    expect((await call(people.alice, 'GET', `/api/projects/${id}`)).json.role).toBe('reader');
    expect((await call(people.root, 'GET', `/api/projects/${MISSING}`)).json.error.code).toBe('project_not_found');
  });

  it('lets only global admins create projects, and project admins (not readers) change them', async () => {
    const { call, people, lungProject } = await projectTestApp();
    expect((await call(people.carol, 'POST', '/api/projects', { name: 'Mine' })).status).toBe(403);
    const id = await lungProject();
    expect((await call(people.alice, 'PATCH', `/api/projects/${id}`, { description: 'x' })).status).toBe(403);
    expect((await call(people.alice, 'DELETE', `/api/projects/${id}`)).status).toBe(403);
    expect((await call(people.carol, 'PATCH', `/api/projects/${id}`, { description: 'by carol' })).json.description).toBe('by carol');
  });

  it('answers 409 for a duplicate project name on create and rename', async () => {
    const { call, people, lungProject } = await projectTestApp();
    await lungProject();
    const dup = await call(people.root, 'POST', '/api/projects', { name: 'Lung' });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('project_name_taken');
    const brain = await call(people.root, 'POST', '/api/projects', { name: 'Brain' });
    expect((await call(people.root, 'PATCH', `/api/projects/${brain.json.id}`, { name: 'Lung' })).status).toBe(409);
  });

  it('answers 400 with issues for an invalid body or id', async () => {
    const { call, people } = await projectTestApp();
    const res = await call(people.root, 'POST', '/api/projects', {
      name: '',
      settings: { forceDeidentify: 'yes', source: { type: 'dicomweb', url: 'ftp://x' } },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_request');
    expect(res.json.error.issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['name', 'settings.forceDeidentify', 'settings.source.url']),
    );
    expect((await call(people.root, 'POST', '/api/projects', { name: 'x'.repeat(101) })).status).toBe(400);
    expect((await call(people.root, 'POST', '/api/projects', { name: 'ok', extra: 1 })).status).toBe(400);
    expect((await call(people.root, 'GET', '/api/projects/not-a-uuid')).status).toBe(400);
  });
});

describe('DICOMweb source credentials', () => {
  const source = { type: 'dicomweb', url: 'https://pacs.example/dicom-web', username: 'svc', password: 'pacs-secret-42' };

  it('never returns the upstream password, only hasPassword', async () => {
    const { call, people, lungProject } = await projectTestApp();
    const id = await lungProject();
    const responses = [
      await call(people.root, 'PATCH', `/api/projects/${id}`, { settings: { source } }),
      await call(people.root, 'GET', `/api/projects/${id}`),
      await call(people.alice, 'GET', `/api/projects/${id}`),
      await call(people.root, 'GET', '/api/projects'),
      await call(people.root, 'POST', '/api/projects', { name: 'Other', settings: { source } }),
      await call(people.root, 'GET', '/api/openapi.json'),
    ];
    for (const res of responses) expect(res.text).not.toContain('pacs-secret-42');
    expect(responses[1]!.json.settings.source).toEqual({ type: 'dicomweb', url: source.url, username: 'svc', hasPassword: true });
  });

  it('keeps the stored password while the URL stays, drops it when the URL changes, and clears it on null', async () => {
    const { call, people, projects, lungProject } = await projectTestApp();
    const id = await lungProject();
    const patch = (s: object) => call(people.carol, 'PATCH', `/api/projects/${id}`, { settings: { source: s } });
    await patch(source);
    expect((await patch({ type: 'dicomweb', url: source.url })).json.settings.source).toMatchObject({ username: 'svc', hasPassword: true });
    expect((await projects.getProject(id))?.settings.source).toMatchObject({ password: 'pacs-secret-42' });
    expect((await patch({ type: 'dicomweb', url: source.url, password: null })).json.settings.source.hasPassword).toBe(false);
    await patch(source);
    const moved = await patch({ type: 'dicomweb', url: 'https://elsewhere.example/dicom-web' });
    expect(moved.json.settings.source).toEqual({ type: 'dicomweb', url: 'https://elsewhere.example/dicom-web', hasPassword: false });
  });
});
