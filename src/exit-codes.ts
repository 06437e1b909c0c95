import { OvrseerError } from './errors.js';

/** As the README's CLI reference says: 0 clean, 1 a process or command failed, 2 usage or config error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** 128 + signal number, used only when the shutdown that followed the signal failed. */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

const USAGE_CODES = new Set([
  'OVRSEER_CONFIG_INVALID',
  'OVRSEER_CONFIG_NOT_FOUND',
  'OVRSEER_USAGE',
  'OVRSEER_PATTERN_INVALID',
  'OVRSEER_UNKNOWN_PROCESS',
  'OVRSEER_LIMIT_EXCEEDED',
  'OVRSEER_SNAPSHOT_INVALID',
]);

export function exitCodeFor(error: unknown): number {
  return error instanceof OvrseerError && USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILURE;
}

/** Thrown by a command to end with a specific exit code after it has printed what it had to say. */
export class ExitRequest extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitRequest';
  }
}
