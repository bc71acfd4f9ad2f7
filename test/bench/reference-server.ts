/**
 * The reference server for side-by-side benchmarks: `@y/websocket-server@0.1.1`'s
 * `setupWSConnection` behind plain `http` + `ws`, in memory, no auth. Same URL shape as Reading
 * Room (`/sync/<room>?token=…`; the token is ignored, the doc name is `sync/<room>`), plus
 * `GET /readyz` → 200 for the orchestrator.
 *
 * Usage: node --import tsx test/bench/reference-server.ts --port <p> [--host 127.0.0.1]
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const port = Number(arg('port', '1234'));
const host = arg('host', '127.0.0.1');

const server = createServer((req, res) => {
  const ok = req.url === '/readyz' || req.url === '/healthz';
  res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: ok ? 'ready' : 'not found' }));
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
server.on('upgrade', (req, socket, head) => {
  if (!(req.url ?? '').startsWith('/sync/')) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(port, host);

const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
