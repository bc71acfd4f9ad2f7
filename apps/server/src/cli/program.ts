import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type ConfigFlags } from '../config/load-config';
import { CliError, ExitCode, type CliIo } from './cli-io';
import { addProject, listProjects, setProjectMember, withProjectStores } from './project-commands';
import { serveCommand } from './serve-command';
import { addUser, changePassword, listUsers, withUserStore } from './user-commands';

const DATA_DIR_FLAG = ['--data-dir <dir>', 'data directory (env READINGROOM_DATA_DIR, default ./data)'] as const;
const KEY_FILE_FLAG = [
  '--encryption-key-file <file>',
  'key of an encrypted data directory (env READINGROOM_ENCRYPTION_KEY_FILE or READINGROOM_ENCRYPTION_KEY)',
] as const;
/** Config of a command that only needs the data directory and its encryption key. */
type DirFlags = { dataDir?: string; encryptionKeyFile?: string };
const dirFlags = (opts: DirFlags) => ({ dataDir: opts.dataDir, encryptionKeyFile: opts.encryptionKeyFile });

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('readingroom')
    .description('Reading Room: collaborative DICOM annotation server')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  program
    .command('serve')
    .description('start the HTTP and sync server')
    .option('--port <port>', 'port to listen on (env PORT, default 8080; 0 picks one)')
    .option('--host <host>', 'interface to bind (env HOST, default 0.0.0.0)')
    .option(...DATA_DIR_FLAG)
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL, default info)')
    .option(...KEY_FILE_FLAG)
    .option('--no-demo', 'do not create the demo project on an empty data directory')
    .action(async ({ demo, ...flags }: ConfigFlags & { demo: boolean }) => {
      setExitCode(await serveCommand(loadConfig(flags, io.env), io, { demoOnFirstStart: demo }));
    });

  program
    .command('demo')
    .description('create the demo project, users and studies (idempotent; passwords printed once)')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (opts: DirFlags) => {
      const { demoCommand } = await import('../demo/demo-command');
      setExitCode(await demoCommand(loadConfig(dirFlags(opts), io.env), io));
    });

  const user = program.command('user').description('manage user accounts');
  user
    .command('add <username>')
    .description('create a user; prints a generated password unless --password is given')
    .option('--admin', 'make the user an administrator', false)
    .option('--password <password>', 'password to set (avoid: it lands in shell history)')
    .option(...DATA_DIR_FLAG)
    .action(async (username: string, opts: { admin: boolean; password?: string; dataDir?: string }) => {
      await withUserStore(loadConfig({ dataDir: opts.dataDir }, io.env), (users) => addUser(users, username, opts, io));
    });
  user
    .command('passwd <username>')
    .description("set a user's password; prints a generated one unless --password is given")
    .option('--password <password>', 'password to set')
    .option(...DATA_DIR_FLAG)
    .action(async (username: string, opts: { password?: string; dataDir?: string }) => {
      await withUserStore(loadConfig({ dataDir: opts.dataDir }, io.env), (users) => changePassword(users, username, opts, io));
    });
  user
    .command('list')
    .description('list users')
    .option(...DATA_DIR_FLAG)
    .action(async (opts: { dataDir?: string }) => {
      await withUserStore(loadConfig({ dataDir: opts.dataDir }, io.env), (users) => listUsers(users, io));
    });

  program
    .command('import <paths...>')
    .description('import DICOM files and folders (recursively) into the data directory')
    .option(...DATA_DIR_FLAG)
    .option('--project <name>', 'link the imported studies to this project')
    .option('--deidentify', 'de-identify before storing (pseudonyms, shifted dates, new UIDs)', false)
    .option('--keep-mapping', 'with --deidentify: keep the original-to-new mapping in <dataDir>/deid-mapping.jsonl', false)
    .option(...KEY_FILE_FLAG)
    .action(async (paths: string[], opts: DirFlags & { project?: string; deidentify: boolean; keepMapping: boolean }) => {
      // Loaded on demand: the DICOM stack should not slow down the other commands' start.
      const { importCommand } = await import('../import/import-command');
      const config = loadConfig(dirFlags(opts), io.env);
      const { importProjectLinks } = await import('../projects/import-project-links');
      setExitCode(await withProjectStores(config, ({ projects }) => importCommand(config, paths, opts, io, importProjectLinks(projects, 'cli'))));
    });

  const project = program.command('project').description('manage projects and their members');
  project
    .command('add <name>')
    .description('create a project (local images, no members)')
    .option('--description <text>', 'what the project is for')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (name: string, opts: DirFlags & { description?: string }) => {
      await withProjectStores(loadConfig(dirFlags(opts), io.env), ({ projects }) => addProject(projects, name, opts, io));
    });
  project
    .command('list')
    .description('list projects')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (opts: DirFlags) => {
      await withProjectStores(loadConfig(dirFlags(opts), io.env), ({ projects }) => listProjects(projects, io));
    });
  project
    .command('member <project> <username> <role>')
    .description('add a user to a project (name or id) or change their role: admin|adjudicator|reader|reviewer|observer|trainee')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (projectRef: string, username: string, role: string, opts: DirFlags) => {
      await withProjectStores(loadConfig(dirFlags(opts), io.env), (stores) => setProjectMember(stores, projectRef, username, role, io));
    });

  const audit = program.command('audit').description('the audit trail');
  audit
    .command('verify')
    .description('recompute the hash chain of <data-dir>/audit.db and check it against audit.head; exit 1 naming the first broken entry')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (opts: DirFlags) => {
      const { verifyAuditCommand } = await import('../audit/verify-command');
      const { openEncryption } = await import('../crypto/open-encryption');
      const config = loadConfig(dirFlags(opts), io.env);
      setExitCode(verifyAuditCommand(config.dataDir, io, openEncryption(config.dataDir, config)));
    });

  program
    .command('agreement')
    .description("inter-reader agreement report of a project (or one study), the same as GET /api/projects/:id/agreement")
    .requiredOption('--project <project>', 'project name or id')
    .option('--format <format>', 'json|csv', 'json')
    .option('--study <uid>', 'only this study (Study Instance UID)')
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (opts: DirFlags & { project: string; format: string; study?: string; out?: string }) => {
      const { agreementCommand } = await import('../agreement/agreement-command');
      setExitCode(await agreementCommand(loadConfig(dirFlags(opts), io.env), opts, io));
    });

  const repeat = (value: string, previous: string[]) => [...previous, value];
  program
    .command('export')
    .description('labels of a project as COCO, YOLO, VinDr-CSV and/or DICOM SR (one folder each), the same files as GET /api/projects/:id/export (server stopped)')
    .requiredOption('--project <project>', 'project name or id')
    .requiredOption('--format <format>', 'coco|yolo|vindr-csv|dicom-sr|all')
    .option('--source <source>', "consensus|reads (reads: one output per reader, from each reader's read)", 'consensus')
    .option('--reads', 'same as --source reads')
    .option('--study <uid>', 'only this study (repeat for several; default every study of the project)', repeat, [])
    .option('--include-patient', 'put patient and study attributes into DICOM SR documents (default: de-identified)', false)
    .requiredOption('--out <dir>', 'a new or empty directory, or a file name ending in .zip')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (opts: DirFlags & { project: string; format: string; source: string; reads?: boolean; study: string[]; includePatient: boolean; out: string }) => {
      const { exportCommand } = await import('../export/export-command');
      const source = opts.reads ? 'reads' : opts.source;
      setExitCode(await exportCommand(loadConfig(dirFlags(opts), io.env), { ...opts, source }, io));
    });
  program
    .command('import-labels')
    .description("labels of one study from files into a reader's read or, as pre-annotations, the shared document, like POST …/import-labels (server stopped)")
    .requiredOption('--project <project>', 'project name or id')
    .requiredOption('--study <uid>', 'the Study Instance UID')
    .requiredOption('--format <format>', 'coco|yolo|vindr-csv|dicom-sr')
    .requiredOption('--file <path>', 'a label file, a zip or a folder (repeat for several)', repeat, [])
    .requiredOption('--as <target>', 'read|pre-annotations')
    .option('--reader <user>', 'with --as read: the reader (username or id)')
    .option('--model <id>', 'with --as pre-annotations: the author, model:<name> (default model:imported)')
    .option('--from-reader <id>', 'take only items the files attribute to this reader id')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (opts: DirFlags & { project: string; study: string; format: string; file: string[]; as: string; reader?: string; model?: string; fromReader?: string }) => {
      const { importLabelsCommand } = await import('../export/import-labels-command');
      setExitCode(await importLabelsCommand(loadConfig(dirFlags(opts), io.env), opts, io));
    });

  program
    .command('encrypt')
    .description('encrypt an existing data directory under the configured key (server stopped); rerun to finish an interrupted run')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (opts: DirFlags) => {
      const { encryptCommand } = await import('../crypto/key-commands');
      setExitCode(await encryptCommand(loadConfig(dirFlags(opts), io.env), io));
    });
  const key = program.command('key').description('encryption keys of the data directory');
  key
    .command('rotate')
    .description('re-encrypt everything from the configured key to a new one (server stopped); the old key is refused afterwards')
    .requiredOption('--new-key-file <file>', 'the new key (base64 of 32 bytes; see `key generate`)')
    .option(...DATA_DIR_FLAG)
    .option(...KEY_FILE_FLAG)
    .action(async (opts: DirFlags & { newKeyFile: string }) => {
      const { rotateKeyCommand } = await import('../crypto/key-commands');
      setExitCode(await rotateKeyCommand(loadConfig(dirFlags(opts), io.env), opts.newKeyFile, io));
    });
  key
    .command('generate')
    .description('write a new random encryption key to a file (mode 0600, never overwritten)')
    .requiredOption('--out <file>', 'where to write the key')
    .action(async (opts: { out: string }) => {
      const { generateKeyCommand } = await import('../crypto/key-commands');
      setExitCode(generateKeyCommand(opts.out, io));
    });

  return program;
}

/** Runs the CLI on `argv` (without node and script) and resolves with the exit code: 0 ok, 1 error, 2 usage. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ['commander.helpDisplayed', 'commander.help', 'commander.version'];
      return benign.includes(error.code) ? ExitCode.Ok : ExitCode.Usage;
    }
    if (error instanceof CliError || error instanceof ConfigError) {
      io.stderr(`error: ${error.message}\n`);
      return ExitCode.Error;
    }
    io.stderr(`error: ${(error as Error).message ?? String(error)}\n`);
    return ExitCode.Error;
  }
}
