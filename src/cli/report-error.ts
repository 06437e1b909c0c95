import { ConfigError, OvrseerError } from '../errors.js';
import { EXIT_FAILURE, EXIT_USAGE, ExitRequest, exitCodeFor } from '../exit-codes.js';

/** Prints what went wrong (never a stack trace unless OVRSEER_DEBUG is set) and returns the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof ExitRequest) return error.exitCode;
  if (error instanceof ConfigError) {
    process.stderr.write(`ovrseer: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof OvrseerError) {
    process.stderr.write(`ovrseer: ${error.message}\n`);
    return exitCodeFor(error);
  }
  // Not one of ours: a bug. Say so plainly, with the stack only when asked for.
  const text =
    error instanceof Error
      ? process.env.OVRSEER_DEBUG
        ? (error.stack ?? error.message)
        : error.message
      : String(error);
  process.stderr.write(`ovrseer: unexpected error: ${text}\n(set OVRSEER_DEBUG=1 for details)\n`);
  return EXIT_FAILURE;
}
