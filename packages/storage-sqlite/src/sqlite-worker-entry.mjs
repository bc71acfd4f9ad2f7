// Entry file of the SQLite worker thread. On Node 20 a Worker does not apply tsx's --import
// hooks to its entry file (".ts" fails with ERR_UNKNOWN_FILE_EXTENSION, inherited execArgv or
// not), so this plain-JS entry loads the TypeScript worker through tsx's API. It works the same
// whether the parent runs under the tsx CLI, `node --import tsx`, or vitest.
import { tsImport } from 'tsx/esm/api';

await tsImport('./sqlite-worker.ts', import.meta.url);
