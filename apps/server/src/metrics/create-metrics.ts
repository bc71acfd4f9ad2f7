import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import type { SyncMetrics } from '@readingroom/sync-server';

const PREFIX = 'readingroom_';

/**
 * Registers the server's metrics on `registry` (plus Node's default process metrics, including
 * `nodejs_eventloop_lag_seconds`) and returns the SyncMetrics the sync core reports into.
 * Use one registry per server instance; registering twice on one registry throws.
 */
export function createMetrics(registry: Registry): SyncMetrics {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const connections = new Gauge({ name: `${PREFIX}connections`, help: 'Open sync WebSocket connections', registers });
  const rooms = new Gauge({ name: `${PREFIX}rooms`, help: 'Rooms loaded in memory', registers });
  const updates = new Counter({ name: `${PREFIX}updates_applied_total`, help: 'Document updates applied', registers });
  const rejected = new Counter({
    name: `${PREFIX}updates_rejected_total`,
    help: 'Document updates refused, by code',
    labelNames: ['code'] as const,
    registers,
  });
  const bytesIn = new Counter({ name: `${PREFIX}received_bytes_total`, help: 'Bytes received on sync sockets', registers });
  const bytesOut = new Counter({ name: `${PREFIX}sent_bytes_total`, help: 'Bytes sent on sync sockets', registers });
  const messagesIn = new Counter({ name: `${PREFIX}messages_received_total`, help: 'Messages received on sync sockets', registers });
  const messagesOut = new Counter({ name: `${PREFIX}messages_sent_total`, help: 'Messages sent on sync sockets', registers });
  const applyLatency = new Histogram({
    name: `${PREFIX}update_apply_duration_seconds`,
    help: 'Time to validate and apply one update',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers,
  });
  const storeLag = new Histogram({
    name: `${PREFIX}store_lag_seconds`,
    help: 'Time from accepting updates to their durable write',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });

  return {
    connectionOpened: () => connections.inc(),
    connectionClosed: () => connections.dec(),
    roomLoaded: () => rooms.inc(),
    roomUnloaded: () => rooms.dec(),
    messageIn: (bytes) => {
      messagesIn.inc();
      bytesIn.inc(bytes);
    },
    messageOut: (bytes) => {
      messagesOut.inc();
      bytesOut.inc(bytes);
    },
    updateApplied: (durationMs) => {
      updates.inc();
      applyLatency.observe(durationMs / 1000);
    },
    updateRejected: (code) => rejected.inc({ code }),
    storeLag: (durationMs) => storeLag.observe(durationMs / 1000),
  };
}
