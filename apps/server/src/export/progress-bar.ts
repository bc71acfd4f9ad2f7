import type { CliIo } from '../cli/cli-io';

const WIDTH = 30;

/**
 * Progress on stderr (stdout stays for the summary): a bar redrawn in place on a terminal,
 * otherwise a line at most every 2 s and at the end of each stage.
 */
export function progressBar(io: CliIo, tty = io.isTTY === true) {
  let shown = false;
  let lastLine = 0;
  return {
    update(label: string, done: number, total: number) {
      if (tty) {
        const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
        io.stderr(`\r${label.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total}`);
        shown = true;
        if (done === total) this.clear();
      } else if (done === total || Date.now() - lastLine >= 2000) {
        lastLine = Date.now();
        io.stderr(`${label}: ${done}/${total}\n`);
      }
    },
    /** Ends a drawn bar so that full lines can follow. */
    clear() {
      if (shown) io.stderr('\n');
      shown = false;
    },
  };
}
