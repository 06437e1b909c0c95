import type { ApiBackend } from './backend.js';
import type { QuickRequest, QuickResponse } from './quick-answer.js';
import {
  ACTIONS,
  type Action,
  actionTargets,
  errorReply,
  PROCESS_ID_PATTERN,
  validAction,
} from './request-checks.js';

/**
 * Headers a client of the socket sends (the CLI's, curl's) that change nothing in how routes.ts
 * answers an action: a request with any other goes to Hono, which knows what to make of it.
 */
const PLAIN_HEADERS = new Set([
  'host',
  'connection',
  'content-type',
  'content-length',
  'user-agent',
  'accept',
]);

// Built from ACTIONS, so an action added there is answered here too rather than left to Hono.
const ONE_PROCESS = new RegExp(`^/v1/processes/([^/]+)/(${ACTIONS.join('|')})$`);
const BY_TARGETS = new RegExp(`^/v1/actions/(${ACTIONS.join('|')})$`);

/**
 * `POST /v1/processes/:name/{start,stop,restart,pause,resume}` and `POST /v1/actions/{…}` as
 * routes.ts answers them (the same checks, statuses and bodies), for a listener
 * without a token; null for anything else, and for a body that routes.ts would refuse (its schema
 * words the refusal). Lets the CLI's start/stop/restart leave an idle supervisor as lean as before.
 */
export function quickAction(request: QuickRequest, backend: ApiBackend): Promise<QuickResponse> | null {
  if (request.method !== 'POST') return null;
  for (const name of request.headers.keys()) if (!PLAIN_HEADERS.has(name)) return null;
  const one = ONE_PROCESS.exec(request.target);
  if (one !== null) {
    // A name routes.ts refuses goes there: Hono may read the path otherwise (`..`, percent escapes).
    const name = one[1] as string;
    return PROCESS_ID_PATTERN.test(name) ? act(backend, validAction(one[2] as string), [name]) : null;
  }
  const many = BY_TARGETS.exec(request.target);
  if (many === null) return null;
  const targets = actionTargets(jsonOf(request.body));
  return targets === null ? null : act(backend, validAction(many[1] as string), targets);
}

async function act(backend: ApiBackend, action: Action, targets: string[]): Promise<QuickResponse> {
  try {
    await backend.act(action, targets);
    return { status: 200, body: JSON.stringify(backend.rows()) };
  } catch (error) {
    return failed(error, backend);
  }
}

function failed(error: unknown, backend: ApiBackend): QuickResponse {
  const reply = errorReply(error, (failure) => backend.reportError(failure, 'api request'));
  return { status: reply.status, body: JSON.stringify(reply.body) };
}

/** The body as JSON, or undefined when it is not (which `actionTargets` refuses, as the schema does). */
function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    // Not JSON: routes.ts answers it, with the words its schema has for it.
    return undefined;
  }
}
