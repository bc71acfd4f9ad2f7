/** What the CLI talks to; tests pass buffers and a fake environment. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** stdout is a terminal: commands may draw progress bars. */
  readonly isTTY?: boolean;
}

/** A failure the user can fix; the CLI prints the message and exits 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export const ExitCode = { Ok: 0, Error: 1, Usage: 2 } as const;
