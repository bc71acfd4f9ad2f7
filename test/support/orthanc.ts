import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private Orthanc (with its DICOMweb plugin) on 127.0.0.1, started for one test file. */
export interface TestOrthanc {
  /** `http://127.0.0.1:PORT` (REST API root). */
  readonly url: string;
  /** `http://127.0.0.1:PORT/dicom-web` (DICOMweb root). */
  readonly dicomWebUrl: string;
  readonly username: string;
  readonly password: string;
  readonly version: string;
  /** Stores one Part 10 file (POST /instances); returns Orthanc's answer (ID, ParentStudy…). */
  upload(file: Uint8Array): Promise<{ ID: string; ParentStudy: string; Status: string }>;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s); keeps the directory. Idempotent. */
  stop(): Promise<void>;
  /** Stops and deletes the temp directory. Idempotent. */
  close(): Promise<void>;
}

const PLUGIN_FALLBACK = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

function findExecutable(): string {
  for (const candidate of ['/usr/sbin/Orthanc', '/usr/bin/Orthanc', '/usr/local/bin/Orthanc']) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v Orthanc'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error('Orthanc is not installed: run scripts/ci-services.sh (Debian packages orthanc, orthanc-dicomweb)');
}

function findDicomWebPlugin(): string {
  const listed = spawnSync('dpkg', ['-L', 'orthanc-dicomweb'], { encoding: 'utf8' });
  const fromDpkg = listed.status === 0 ? listed.stdout.split('\n').find((l) => /\/plugins\/libOrthancDicomWeb\.so$/.test(l)) : undefined;
  const path = fromDpkg ?? PLUGIN_FALLBACK;
  if (!existsSync(path)) throw new Error('Orthanc DICOMweb plugin not found: run scripts/ci-services.sh (Debian package orthanc-dicomweb)');
  return path;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts Orthanc with a config in a fresh temp dir: HTTP on a free port, DICOM (C-STORE)
 * server disabled, storage and index in the temp dir, local access only, Basic auth with one
 * registered user, the DICOMweb plugin at `/dicom-web/`. Resolves when `GET /system` answers.
 */
export async function startOrthanc(options: { username?: string; password?: string; startTimeoutMs?: number } = {}): Promise<TestOrthanc> {
  const executable = findExecutable();
  const plugin = findDicomWebPlugin();
  const username = options.username ?? 'readingroom';
  const password = options.password ?? 'orthanc-test-password-1';
  const dir = mkdtempSync(join(tmpdir(), 'readingroom-orthanc-'));
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  let child: ChildProcess | undefined;
  let url = '';
  let version = '';
  const logPath = join(dir, 'orthanc.log');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = {
      Name: 'readingroom-test',
      HttpPort: port,
      DicomServerEnabled: false,
      StorageDirectory: storage,
      IndexDirectory: storage,
      RemoteAccessAllowed: false,
      AuthenticationEnabled: true,
      RegisteredUsers: { [username]: password },
      Plugins: [plugin],
      DicomWeb: { Enable: true, Root: '/dicom-web/' },
      HttpCompressionEnabled: false,
      StorageCompression: false,
      ConcurrentJobs: 1,
    };
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    url = `http://127.0.0.1:${port}`;
    const log = openSync(logPath, 'a');
    const proc = spawn(executable, [configPath], { stdio: ['ignore', log, log] });
    closeSync(log);
    child = proc;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    let ready = false;
    while (Date.now() < deadline && proc.exitCode === null) {
      try {
        const res = await fetch(`${url}/system`, { headers: { authorization }, signal: AbortSignal.timeout(1000) });
        if (res.ok) {
          version = String(((await res.json()) as { Version?: unknown }).Version ?? '');
          ready = true;
          break;
        }
        await res.body?.cancel();
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (ready) break;
    proc.kill('SIGKILL');
    await exited;
    const tail = readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n');
    if (attempt >= 2) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Orthanc did not start on ${url}:\n${tail}`);
    }
  }

  const proc = child;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      proc.kill('SIGTERM');
    }));
  const onExit = () => proc.kill('SIGKILL');
  process.once('exit', onExit);

  return {
    url,
    dicomWebUrl: `${url}/dicom-web`,
    username,
    password,
    version,
    async upload(file) {
      const res = await fetch(`${url}/instances`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/dicom' },
        body: file,
      });
      if (!res.ok) throw new Error(`Orthanc refused the upload: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as { ID: string; ParentStudy: string; Status: string };
    },
    stop,
    async close() {
      await stop();
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
