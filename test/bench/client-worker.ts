/**
 * Benchmark client process (forked by run.ts with `--import tsx`). Hosts several stock y-websocket
 * 3.1 providers, each with its own Y.Doc, editing "boxes" like the product's document model:
 * `annotations` (Y.Map) → box id → Y.Map whose `geometry` is one atomic plain object replaced on
 * every move. Each edit stamps `performance.timeOrigin + performance.now()` into the geometry;
 * every other client computes edit-to-remote latency when the change arrives (same machine clock).
 *
 * IPC: parent → {init} → worker → {ready}; parent → {start} → worker → {result};
 * parent → {reset} → worker → {reset-done} (clients disconnected; the process can be reused); parent → {exit}.
 */
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';

export interface WorkerInit {
  type: 'init';
  /** e.g. ws://127.0.0.1:1234/sync — the provider appends `/<room>`. */
  serverUrl: string;
  room: string;
  token: string;
  clients: number;
  /** Global index of this worker's first client (names boxes uniquely). */
  firstClient: number;
  /** Edits per second per client. */
  rate: number;
  /** Boxes each client creates before it starts moving them. */
  boxesPerClient: number;
}
export interface WorkerStart {
  type: 'start';
  /** Epoch ms (timeOrigin + now): edits stamped in [measureFrom, measureTo) are measured. */
  measureFrom: number;
  measureTo: number;
  /** Epoch ms after measureTo until which deliveries are still collected. */
  collectUntil: number;
}
export type ParentMessage = WorkerInit | WorkerStart | { type: 'reset' } | { type: 'exit' };

export interface WorkerResult {
  type: 'result';
  /** Edit-to-remote latencies (ms) of edits stamped inside the measured window, one per receiving client. */
  latencies: number[];
  /** Edits this worker's clients made inside the measured window. */
  editsInWindow: number;
  /** Remote edits received (any stamp) while collecting. */
  received: number;
  /** Provider disconnects seen after ready (should be 0). */
  disconnects: number;
}
export type WorkerMessage = { type: 'ready' } | { type: 'reset-done' } | WorkerResult | { type: 'error'; message: string };

interface Geometry {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Writer's clock at the edit, epoch ms with sub-ms precision. */
  t: number;
  by: number;
}

process.setMaxListeners(0); // y-websocket adds one process 'exit' listener per provider
const now = () => performance.timeOrigin + performance.now();
const send = (m: WorkerMessage) => process.send?.(m);

let clients: Array<{ doc: Y.Doc; provider: WebsocketProvider; index: number; boxes: Y.Map<unknown>[] }> = [];
let disconnects = 0;
let ready = false;
let measureWindow: WorkerStart | null = null;
let latencies: number[] = [];
let received = 0;
let editsInWindow = 0;

function record(geometry: unknown): void {
  const g = geometry as Partial<Geometry> | undefined;
  if (!g || typeof g.t !== 'number') return;
  const at = now();
  received++;
  if (measureWindow && g.t >= measureWindow.measureFrom && g.t < measureWindow.measureTo) latencies.push(at - g.t);
}

function init(m: WorkerInit): void {
  for (let i = 0; i < m.clients; i++) {
    const doc = new Y.Doc();
    const annotations = doc.getMap<Y.Map<unknown>>('annotations');
    annotations.observeDeep((events, txn) => {
      if (txn.local) return;
      for (const ev of events) {
        if (ev.target === annotations) {
          for (const [key, change] of ev.changes.keys) {
            if (change.action === 'add') record(annotations.get(key)?.get('geometry'));
          }
        } else if (ev.changes.keys.has('geometry')) {
          record((ev.target as Y.Map<unknown>).get('geometry'));
        }
      }
    });
    const provider = new WebsocketProvider(m.serverUrl, m.room, doc, {
      params: { token: m.token },
      // ws's WebSocket is what the stock client expects from a browser.
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    provider.on('status', ({ status }: { status: string }) => {
      if (ready && status === 'disconnected') disconnects++;
    });
    clients.push({ doc, provider, index: m.firstClient + i, boxes: [] });
  }
  const waitSynced = clients.map(
    (c) => new Promise<void>((resolve) => (c.provider.synced ? resolve() : c.provider.once('sync', () => resolve()))),
  );
  const gen = generation;
  void Promise.all(waitSynced).then(() => {
    if (gen !== generation) return;
    ready = true;
    send({ type: 'ready' });
  });
  initMessage = m;
}

let initMessage: WorkerInit | null = null;
/** Bumped on reset, so callbacks scheduled for earlier clients do nothing. */
let generation = 0;
let timers: Array<ReturnType<typeof setInterval>> = [];

function edit(c: (typeof clients)[number], m: WorkerInit, seq: number): void {
  const t = now();
  if (measureWindow && t >= measureWindow.measureTo) return;
  const annotations = c.doc.getMap<Y.Map<unknown>>('annotations');
  const geometry: Geometry = { x: (seq * 7) % 512, y: (seq * 13) % 512, w: 20 + (seq % 30), h: 20 + (seq % 17), t, by: c.index };
  if (c.boxes.length < m.boxesPerClient) {
    const box = new Y.Map<unknown>();
    const id = `box-${c.index}-${c.boxes.length}`;
    c.doc.transact(() => {
      box.set('id', id);
      box.set('kind', 'box2d');
      box.set('label', 'nodule');
      box.set('geometry', geometry);
      box.set('createdBy', `bench-${c.index}`);
      annotations.set(id, box);
    });
    c.boxes.push(box);
  } else {
    const box = c.boxes[seq % c.boxes.length]!;
    c.doc.transact(() => {
      box.set('geometry', geometry);
      box.set('updatedBy', `bench-${c.index}`);
    });
  }
  if (measureWindow && t >= measureWindow.measureFrom) editsInWindow++;
}

function start(s: WorkerStart): void {
  const m = initMessage;
  if (!m) throw new Error('start before init');
  measureWindow = s;
  const period = 1000 / m.rate;
  const gen = generation;
  for (const c of clients) {
    let seq = 0;
    // Random phase so clients do not edit in lockstep.
    const phase = Math.random() * period;
    setTimeout(() => {
      if (gen !== generation) return;
      edit(c, m, seq++);
      timers.push(setInterval(() => edit(c, m, seq++), period));
    }, phase);
  }
  setTimeout(() => {
    if (gen !== generation) return;
    for (const t of timers) clearInterval(t);
    timers = [];
    if (process.env.BENCH_TRACE) console.error(`[worker ${process.pid}] received ${received}, measured ${latencies.length}, made ${editsInWindow}, clients ${clients.map((c) => c.provider.wsconnected).join(',')}`);
    send({ type: 'result', latencies, editsInWindow, received, disconnects });
  }, Math.max(0, s.collectUntil - now()));
}

/** Disconnects and forgets every client and measurement. */
function reset(): void {
  for (const t of timers) clearInterval(t);
  timers = [];
  generation++;
  for (const c of clients) {
    c.provider.destroy();
    c.doc.destroy();
  }
  clients = [];
  ready = false;
  measureWindow = null;
  latencies = [];
  received = 0;
  editsInWindow = 0;
  disconnects = 0;
  initMessage = null;
}

process.on('message', (m: ParentMessage) => {
  try {
    if (m.type === 'init') {
      reset();
      init(m);
    } else if (m.type === 'start') start(m);
    else if (m.type === 'reset') {
      reset();
      send({ type: 'reset-done' });
    } else {
      reset();
      process.exit(0);
    }
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});
// Never outlive the orchestrator.
process.on('disconnect', () => process.exit(0));
