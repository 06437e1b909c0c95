/**
 * Every error ovrseer raises carries a stable `code`, so scripts, the API and tests can match on it
 * without parsing messages.
 */
export type OvrseerErrorCode =
  | 'OVRSEER_CONFIG_INVALID'
  | 'OVRSEER_CONFIG_NOT_FOUND'
  | 'OVRSEER_USAGE'
  | 'OVRSEER_PATTERN_INVALID'
  | 'OVRSEER_CWD_INVALID'
  | 'OVRSEER_SPAWN_FAILED'
  | 'OVRSEER_USER_INVALID'
  | 'OVRSEER_LIMIT_EXCEEDED'
  | 'OVRSEER_UNKNOWN_PROCESS'
  | 'OVRSEER_READY_TIMEOUT'
  | 'OVRSEER_KILL_FAILED'
  | 'OVRSEER_STOP_COMMAND_FAILED'
  | 'OVRSEER_PROBE_FAILED'
  | 'OVRSEER_INVALID_STATE'
  | 'OVRSEER_NOT_PAUSABLE'
  | 'OVRSEER_NOT_PAUSED'
  | 'OVRSEER_LOG_WRITE_FAILED'
  | 'OVRSEER_LOG_READ_FAILED'
  | 'OVRSEER_REPORT_NOT_FOUND'
  | 'OVRSEER_REPORT_WRITE_FAILED'
  | 'OVRSEER_REPORT_READ_FAILED'
  | 'OVRSEER_REPORT_CORRUPT'
  | 'OVRSEER_SNAPSHOT_INVALID'
  | 'OVRSEER_NOT_FOUND'
  | 'OVRSEER_UNAUTHORIZED'
  | 'OVRSEER_ALREADY_RUNNING'
  | 'OVRSEER_NOT_RUNNING'
  | 'OVRSEER_API_FAILED'
  | 'OVRSEER_API_TIMEOUT'
  | 'OVRSEER_EXPORT_EXISTS'
  | 'OVRSEER_EXPORT_WRITE_FAILED'
  | 'OVRSEER_PAYLOAD_TOO_LARGE'
  | 'OVRSEER_INPUT_FULL'
  | 'OVRSEER_UNSAFE_PATH'
  | 'OVRSEER_STATE_FILE'
  | 'OVRSEER_ADOPT_NO_PROCESS'
  | 'OVRSEER_ADOPT_FORBIDDEN'
  | 'OVRSEER_ADOPT_OURS'
  | 'OVRSEER_ADOPT_AMBIGUOUS'
  | 'OVRSEER_NOT_LISTENING'
  | 'OVRSEER_NOTIFY_UNAVAILABLE'
  | 'OVRSEER_INTERNAL';

export class OvrseerError extends Error {
  readonly code: OvrseerErrorCode;

  constructor(code: OvrseerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OvrseerError';
    this.code = code;
  }
}

/** One problem found in a config file, located as precisely as the source allows. */
export interface ConfigIssue {
  /** Absolute or user-given path of the file, or `<inline>` for specs built in code. */
  file: string;
  /** 1-based; `null` when the problem has no position (e.g. a missing top-level key). */
  line: number | null;
  column: number | null;
  /** Dotted key path, e.g. `processes.api.restart.delay`. Empty for the document itself. */
  path: string;
  message: string;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const key = issue.path === '' ? '' : ` ${issue.path}:`;
  return `${where}:${key} ${issue.message}`;
}

export class ConfigError extends OvrseerError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map(formatConfigIssue);
    super('OVRSEER_CONFIG_INVALID', `invalid config:\n  ${lines.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Narrow `unknown` to a Node system error (`ENOENT`, `ESRCH`, …) without casting at each call site. */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
