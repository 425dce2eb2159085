/**
 * An error the user caused (bad option, missing file, checkpoint of another model): the CLI prints
 * its message as one line on stderr and exits with `exitCode`, without a stack trace.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
