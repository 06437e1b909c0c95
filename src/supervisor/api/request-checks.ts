import { errorMessage, OvrseerError } from '../../errors.js';

/**
 * What a request to the API may name, and how an error is answered: shared by the Hono routes
 * (routes.ts) and the answers given without them (quick-actions.ts), so both accept and refuse the
 * same requests in the same words. Free of zod and Hono: the quick path must not load them.
 */

export const ACTIONS = ['start', 'stop', 'restart', 'pause', 'resume'] as const;
export type Action = (typeof ACTIONS)[number];

/** Names as the config allows them, optionally with a replica suffix: nothing else reaches the engine. */
export const PROCESS_ID_PATTERN = /^[A-Za-z0-9_-]+(\.\d+)?$/;
/** A target of an action or a `names=` selector. */
export const TARGET_PATTERN = /^(all|(group|tag):[^\s]+|[A-Za-z0-9_-]+(\.\d+)?)$/;
/** Targets in one `POST /v1/actions/:action`. */
export const MAX_TARGETS = 500;

export function validId(name: string): string {
  if (PROCESS_ID_PATTERN.test(name)) return name;
  // A path segment is not a body field: say which part of the request is wrong, in the config's terms.
  throw new OvrseerError(
    'OVRSEER_USAGE',
    `process name in the path: expected a name such as api or worker.2 (letters, digits, "_" and "-", then ".N" for a replica), got ${JSON.stringify(name)}`,
  );
}

export function validAction(action: string): Action {
  const found = ACTIONS.find((known) => known === action);
  if (found === undefined)
    throw new OvrseerError(
      'OVRSEER_NOT_FOUND',
      `unknown action "${action}" (start, stop, restart, pause or resume)`,
    );
  return found;
}

/**
 * The targets of a valid `{targets: [...]}` action body, else null. Accepts exactly what routes.ts's
 * `actionBody` schema accepts (a unit test holds them together); the schema words the refusals.
 */
export function actionTargets(body: unknown): string[] | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'targets') return null;
  const { targets } = body as { targets: unknown };
  if (!Array.isArray(targets) || targets.length < 1 || targets.length > MAX_TARGETS) return null;
  for (const target of targets) if (typeof target !== 'string' || !TARGET_PATTERN.test(target)) return null;
  return targets as string[];
}

export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  OVRSEER_UNKNOWN_PROCESS: 404,
  OVRSEER_NOT_FOUND: 404,
  OVRSEER_REPORT_NOT_FOUND: 404,
  OVRSEER_USAGE: 400,
  OVRSEER_PATTERN_INVALID: 400,
  OVRSEER_BAD_REQUEST: 400,
  OVRSEER_LIMIT_EXCEEDED: 400,
  OVRSEER_INVALID_STATE: 409,
  OVRSEER_NOT_PAUSABLE: 409,
  OVRSEER_NOT_PAUSED: 409,
  OVRSEER_UNAUTHORIZED: 401,
  OVRSEER_INPUT_FULL: 503,
  // `POST /v1/reload` of a file that does not validate: the request was fine, the file is not.
  OVRSEER_CONFIG_INVALID: 422,
  OVRSEER_CONFIG_NOT_FOUND: 422,
  OVRSEER_ADOPT_NO_PROCESS: 404,
  OVRSEER_ADOPT_FORBIDDEN: 403,
  OVRSEER_ADOPT_OURS: 409,
  OVRSEER_ADOPT_AMBIGUOUS: 409,
  OVRSEER_NOT_LISTENING: 409,
  OVRSEER_PAYLOAD_TOO_LARGE: 413,
};

export interface ErrorReply {
  status: number;
  body: { error: { code: string; message: string } };
}

/** How a failed request is answered: an OvrseerError by its code; anything else is a 500, reported. */
export function errorReply(error: unknown, report: (error: Error) => void): ErrorReply {
  if (error instanceof OvrseerError)
    return {
      status: STATUS_BY_CODE[error.code] ?? 500,
      body: { error: { code: error.code, message: error.message } },
    };
  report(error instanceof Error ? error : new Error(String(error)));
  return { status: 500, body: { error: { code: 'OVRSEER_INTERNAL', message: errorMessage(error) } } };
}
