import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config-schema';
import { startServer } from '../server';
import type { CliIo } from './cli-io';

/**
 * `serve`: creates the demo data on an empty data directory (unless disabled), starts the server and resolves with exit code 0 after a clean shutdown on
 * SIGTERM/SIGINT (stop accepting, flush rooms, close every socket with 1012, close storage).
 * A second signal during shutdown exits at once with 1.
 */
export async function serveCommand(config: Config, io: CliIo, options: { demoOnFirstStart?: boolean } = {}): Promise<number> {
  // An empty data directory gets the demo project, so a first `pnpm start` has something to open.
  if (options.demoOnFirstStart && !existsSync(join(config.dataDir, 'readingroom.db'))) {
    const { demoCommand } = await import('../demo/demo-command');
    if ((await demoCommand(config, io)) !== 0) return 1;
  }
  const server = await startServer(config, { announce: io.stdout });
  io.stdout(`Reading Room is listening on ${server.url}\n`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        io.stderr(`received ${signal} again, exiting without a clean shutdown\n`);
        process.exit(1);
      }
      stopping = true;
      server.close().then(
        () => resolve(0),
        (error: Error) => {
          io.stderr(`shutdown failed: ${error.message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
