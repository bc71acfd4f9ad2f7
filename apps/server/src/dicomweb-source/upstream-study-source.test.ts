import { describe, expect, it } from 'vitest';
import { createUpstreamStudySource } from './upstream-study-source';

const USER = 'svc-reader';
const PASSWORD = 'pacs-Secret-42';
const study = (uid: string) => ({ '0020000D': { vr: 'UI', Value: [uid] }, '00081190': { vr: 'UR', Value: [`http://pacs:8042/dicom-web/studies/${uid}`] } });

/** A fake upstream answering from a route table, recording every request. */
function fakeUpstream(route: (url: URL, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: URL; headers: Record<string, string> }[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push({ url, headers: { ...(init.headers as Record<string, string>) } });
    return route(url, init);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/dicom+json' } });

const make = (fetch: typeof globalThis.fetch, timeoutMs = 2000) =>
  createUpstreamStudySource({ baseUrl: 'http://pacs:8042/dicom-web', username: USER, password: PASSWORD, fetch, timeoutMs });

describe('createUpstreamStudySource (fake upstream)', () => {
  it('sends Basic credentials upstream and drops upstream retrieve URLs from QIDO answers', async () => {
    const up = fakeUpstream(() => json([study('1.2')]));
    const result = await make(up.fetch).searchStudies({ match: {} }, null);
    expect(up.calls[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
    expect(up.calls[0]!.url.pathname).toBe('/dicom-web/studies');
    expect(JSON.stringify(result)).not.toContain('pacs');
  });

  it("restricts a project's search to its studies upstream and again on the answer", async () => {
    const up = fakeUpstream(() => json([study('1.2'), study('6.6')])); // an upstream that ignores the UID list
    const result = await make(up.fetch).searchStudies({ match: {}, limit: 10 }, ['1.2', '1.3']);
    expect(up.calls[0]!.url.searchParams.get('StudyInstanceUID')).toBe('1.2,1.3');
    expect(result.map((d) => d['0020000D']?.Value?.[0])).toEqual(['1.2']);
    expect(await make(up.fetch).searchStudies({ match: { StudyInstanceUID: '6.6' } }, ['1.2'])).toEqual([]);
    expect(up.calls).toHaveLength(1);
  });

  it('answers null for a series search in a study the upstream does not have', async () => {
    const up = fakeUpstream(() => json([]));
    expect(await make(up.fetch).searchSeries('9.9', { match: {} })).toBeNull();
  });

  it('maps 5xx and timeouts to upstream_unavailable and 404 to null, naming neither host nor credentials', async () => {
    const down = make(fakeUpstream(() => new Response('boom', { status: 503 })).fetch);
    const err = await down.seriesMetadata('1', '2', 'http://rr/dicomweb').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'upstream_unavailable', status: 502, upstreamStatus: 503 });
    for (const secret of [PASSWORD, USER, 'pacs:8042', Buffer.from(`${USER}:${PASSWORD}`).toString('base64')]) {
      expect(JSON.stringify({ ...(err as object), message: (err as Error).message, stack: (err as Error).stack })).not.toContain(secret);
    }

    const hanging = make(
      fakeUpstream((_u, init) => new Promise<Response>((_r, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))).fetch,
      50,
    );
    await expect(hanging.instanceMetadata('1', '2', '3', 'http://rr')).rejects.toMatchObject({ code: 'upstream_unavailable' });

    const missing = make(fakeUpstream(() => new Response('', { status: 404 })).fetch);
    expect(await missing.frames('1', '2', '3', [1])).toBeNull();
    expect(await missing.instance('1', '2', '3')).toBeNull();
  });

  it('maps rejected credentials to upstream_unauthorized', async () => {
    const up = fakeUpstream(() => new Response('', { status: 401 }));
    await expect(make(up.fetch).searchStudies({ match: {} }, null)).rejects.toMatchObject({ code: 'upstream_unauthorized' });
  });

  it('shares one upstream request between concurrent metadata misses and caches the answer', async () => {
    const up = fakeUpstream(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return json([{ '00080018': { vr: 'UI', Value: ['1.4'] } }]);
    });
    const source = make(up.fetch);
    await Promise.all([source.seriesMetadata('1.2', '1.3', 'http://rr'), source.seriesMetadata('1.2', '1.3', 'http://rr')]);
    await source.instanceMetadata('1.2', '1.3', '1.4', 'http://rr');
    expect(up.calls).toHaveLength(1);
  });

  it('refuses path segments that could escape their place in the upstream URL', async () => {
    const up = fakeUpstream(() => json([{}]));
    expect(await make(up.fetch).seriesMetadata('..', '..', 'http://rr')).toBeNull();
    expect(up.calls).toHaveLength(0);
  });

  it('refuses a base URL with credentials in it without echoing them', () => {
    expect(() => createUpstreamStudySource({ baseUrl: `http://u:${PASSWORD}@pacs/dicom-web`, timeoutMs: 1000 })).toThrow(/must not contain credentials/);
    try {
      createUpstreamStudySource({ baseUrl: `http://u:${PASSWORD}@pacs/dicom-web`, timeoutMs: 1000 });
    } catch (e) {
      expect(String(e)).not.toContain(PASSWORD);
    }
  });
});
