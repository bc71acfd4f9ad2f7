import { Zip, ZipDeflate } from 'fflate';

export interface ZipFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * The time stored for every entry. Zip (DOS) times are local wall-clock times, which fflate takes
 * from a Date's local fields; giving it the UTC fields of `at` as local ones makes the bytes the
 * same in every time zone (the entries show `at` in UTC). DOS times start in 1980.
 */
export function zipEntryTime(at: number): Date {
  const utc = new Date(Math.max(at, Date.UTC(1980, 0, 1)));
  return new Date(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate(), utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds());
}

/** Adds one file to `zip` (deflated, level 6, fixed time); fflate emits its bytes synchronously. */
function addFile(zip: Zip, file: ZipFile, time: Date): void {
  const entry = new ZipDeflate(file.path, { level: 6 });
  entry.mtime = time;
  zip.add(entry);
  entry.push(file.bytes, true);
}

/**
 * A zip of `files`, in the given order, as a stream produced one file per pull (so a slow
 * reader holds back the compression). Deterministic: the same files and time give the same
 * bytes. `onDone` is told the total size once the last byte is queued, or that the reader went
 * away first.
 */
export function zipStream(files: readonly ZipFile[], at: number, onDone?: (outcome: { completed: boolean; bytes: number }) => void): ReadableStream<Uint8Array> {
  const time = zipEntryTime(at);
  let queue: Uint8Array[] = [];
  let failed: Error | null = null;
  let bytes = 0;
  let next = 0;
  let ended = false;
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else {
      queue.push(chunk);
      bytes += chunk.byteLength;
    }
  });
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      // A pull that enqueues nothing is not repeated: add files until some bytes come out.
      while (queue.length === 0 && !ended && !failed) {
        if (next < files.length) addFile(zip, files[next++]!, time);
        else {
          ended = true;
          zip.end();
        }
      }
      if (failed) return controller.error(failed);
      const chunks = queue;
      queue = [];
      for (const c of chunks) controller.enqueue(c);
      if (ended && queue.length === 0) {
        controller.close();
        onDone?.({ completed: true, bytes });
      }
    },
    cancel() {
      zip.terminate();
      onDone?.({ completed: false, bytes });
    },
  });
}

/** The same zip as `zipStream`, in one buffer. */
export async function zipBytes(files: readonly ZipFile[], at: number): Promise<Uint8Array> {
  return new Uint8Array(await new Response(zipStream(files, at)).arrayBuffer());
}
