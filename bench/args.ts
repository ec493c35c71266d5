/**
 * Command-line options of the bench scripts that run the CLI as child processes: `--name value`
 * before a `--`, and everything after the `--` passed on to every command they run.
 */

/** The value after `--name` (before any `--`), else `dflt`. */
export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const stop = process.argv.indexOf('--');
  return i > 0 && (stop < 0 || i < stop) ? process.argv[i + 1] : dflt;
}

/** The options after `--`, for every command the script runs. */
export function passedOn(): string[] {
  return process.argv.includes('--') ? process.argv.slice(process.argv.indexOf('--') + 1) : [];
}
