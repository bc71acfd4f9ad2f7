import type { Config } from '../config/config-schema';
import { startServer } from '../server';
import type { CliIo } from './cli-io';

/**
 * `serve`: starts the server and resolves with exit code 0 after a clean shutdown on
 * SIGTERM/SIGINT (stop accepting, flush rooms, close every socket with 1012, close storage).
 * A second signal during shutdown exits at once with 1.
 */
export async function serveCommand(config: Config, io: CliIo): Promise<number> {
  const server = await startServer(config, { announce: io.stdout });
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
