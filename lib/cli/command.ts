/** What every `gradient-dojo` subcommand exports, and the error that reports a usage mistake. */
export interface CliCommand {
  /** One line shown in `gradient-dojo --help`. */
  summary: string;
  /** Full usage text shown by `gradient-dojo <cmd> --help` and after a usage error. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** A mistake in the command line: main prints its message followed by the command's usage, exit 2. */
export class UsageError extends Error {}
