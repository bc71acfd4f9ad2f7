import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@readingroom/sync-server';
import { createApp } from '../http/create-app';
import { MemoryUserStore } from '../users/memory-user-store';
import { createTokenService } from '../auth/tokens';
import { createAuthenticate } from '../auth/authenticate';
import { createMetrics } from './create-metrics';

describe('createMetrics', () => {
  it('exposes sync, process and event-loop metrics at /metrics', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.connectionOpened();
    metrics.connectionOpened();
    metrics.connectionClosed();
    metrics.roomLoaded();
    metrics.messageIn(100);
    metrics.messageOut(40);
    metrics.updateApplied(2);
    metrics.updateRejected('schema');
    metrics.storeLag(15);

    const users = new MemoryUserStore();
    const tokens = createTokenService({ secret: 's'.repeat(40), ttlSeconds: 60 });
    const app = createApp({ users, tokens, authenticate: createAuthenticate(tokens, users), registry, isReady: () => true, logger: silentLogger });
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('readingroom_connections 1');
    expect(text).toContain('readingroom_rooms 1');
    expect(text).toContain('readingroom_updates_applied_total 1');
    expect(text).toContain('readingroom_updates_rejected_total{code="schema"} 1');
    expect(text).toContain('readingroom_received_bytes_total 100');
    expect(text).toContain('readingroom_sent_bytes_total 40');
    expect(text).toContain('readingroom_update_apply_duration_seconds_count 1');
    expect(text).toContain('readingroom_store_lag_seconds_count 1');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('process_resident_memory_bytes');
  });
});
