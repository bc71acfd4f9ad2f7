import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Pings every client each `intervalMs`; a client that has not answered the previous ping is
 * terminated (its `close` event then releases the connection). Returns a stop function.
 */
export function startKeepalive(wss: WebSocketServer, intervalMs: number): () => void {
  const alive = new WeakSet<WebSocket>();
  const markAlive = function (this: WebSocket) {
    alive.add(this);
  };
  const track = (ws: WebSocket) => {
    alive.add(ws);
    ws.on('pong', markAlive);
  };
  wss.on('connection', track);

  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();

  return () => {
    clearInterval(timer);
    wss.off('connection', track);
  };
}
