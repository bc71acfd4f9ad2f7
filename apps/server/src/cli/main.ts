#!/usr/bin/env -S node --import tsx
import { runCli } from './program';

// The only place that touches process.argv / process.env.
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
});
process.exit(code);
