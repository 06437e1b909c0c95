import { describe, expect, it } from 'vitest';
import { OvrseerError } from '../../../src/errors.js';
import type { ApiBackend } from '../../../src/supervisor/api/backend.js';
import { quickAction } from '../../../src/supervisor/api/quick-actions.js';
import { type QuickRequest, readRequestHead } from '../../../src/supervisor/api/quick-answer.js';
import { actionTargets } from '../../../src/supervisor/api/request-checks.js';
import { actionBody, createApp } from '../../../src/supervisor/api/routes.js';

/** A backend that knows `api` and `worker.1`; anything else is unknown, `boom` fails unexpectedly. */
function backend(): { backend: ApiBackend; acted: string[][]; reported: string[] } {
  const acted: string[][] = [];
  const reported: string[] = [];
  const fake = {
    rows: () => [{ name: 'api', process: 'api', status: 'running' }],
    act: async (action: string, targets: readonly string[]) => {
      acted.push([action, ...targets]);
      if (targets.includes('boom')) throw new Error('the engine broke');
      for (const target of targets)
        if (!['api', 'worker.1', 'all', 'tag:web'].includes(target))
          throw new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `unknown process "${target}"`);
    },
    reportError: (error: Error) => reported.push(error.message),
  } as unknown as ApiBackend;
  return { backend: fake, acted, reported };
}

function request(method: string, target: string, body = '', headers: string[] = []): QuickRequest {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: localhost', 'Connection: close', ...headers];
  if (body !== '') lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  const head = readRequestHead(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`));
  if (head === null || head === 'incomplete') throw new Error('bad test request');
  return { ...head, body: Buffer.from(body) };
}

/** What the Hono routes answer for the same request, from a backend of their own. */
async function viaHono(req: QuickRequest): Promise<{ status: number; body: unknown; acted: string[][] }> {
  const { backend: own, acted } = backend();
  const init: RequestInit = { method: req.method };
  if (req.body.length > 0) init.body = req.body.toString();
  const response = await createApp(own, null).request(req.target, init);
  return { status: response.status, body: await response.json(), acted };
}

describe('quickAction', () => {
  it('answers the CLI’s start/stop/restart/pause/resume exactly as the Hono routes do', async () => {
    const cases = [
      request('POST', '/v1/processes/api/restart'),
      request('POST', '/v1/processes/worker.1/stop'),
      request('POST', '/v1/processes/nope/start'),
      request('POST', '/v1/processes/boom/start'),
      request('POST', '/v1/actions/restart', JSON.stringify({ targets: ['api', 'tag:web'] })),
      request('POST', '/v1/actions/stop', JSON.stringify({ targets: ['all'] })),
      request('POST', '/v1/actions/start', JSON.stringify({ targets: ['api', 'nope'] })),
      request('POST', '/v1/processes/api/restart', '', ['User-Agent: curl/8', 'Accept: */*']),
      request('POST', '/v1/processes/api/pause'),
      request('POST', '/v1/processes/worker.1/resume'),
      request('POST', '/v1/actions/pause', JSON.stringify({ targets: ['all'] })),
      request('POST', '/v1/actions/resume', JSON.stringify({ targets: ['tag:web', 'nope'] })),
    ];
    for (const req of cases) {
      const { backend: own, acted, reported } = backend();
      const answer = quickAction(req, own);
      expect(answer, req.target).not.toBeNull();
      const { status, body } = (await answer) as { status: number; body: string };
      const hono = await viaHono(req);
      expect({ status, body: JSON.parse(body), acted }, req.target).toEqual(hono);
      if (req.target.includes('boom')) expect(reported).toEqual(['the engine broke']);
    }
  });

  it('leaves to Hono what it would refuse or read otherwise', () => {
    const { backend: own, acted } = backend();
    const handed = [
      request('GET', '/v1/processes/api/restart'),
      request('POST', '/v1/processes/api/scale', '{"replicas":2}'),
      request('POST', '/v1/processes/api/bogus'),
      request('POST', '/v1/processes/a%2Db/restart'),
      request('POST', '/v1/processes/../restart'),
      request('POST', '/v1/processes/api/restart?x=1'),
      request('POST', '/v1/processes/api/restart', '', ['Authorization: Bearer x']),
      request('POST', '/v1/actions/restart'),
      request('POST', '/v1/actions/restart', 'not json'),
      request('POST', '/v1/actions/restart', '{"targets":[]}'),
      request('POST', '/v1/actions/restart', '{"targets":["api"],"more":1}'),
      request('POST', '/v1/actions/restart', '{"targets":["a b"]}'),
      request('POST', '/v1/actions/bogus', '{"targets":["api"]}'),
    ];
    for (const req of handed) expect(quickAction(req, own), req.target).toBeNull();
    expect(acted).toEqual([]);
  });
});

describe('actionTargets', () => {
  it('accepts exactly the bodies the route’s schema accepts', () => {
    const bodies: unknown[] = [
      { targets: ['api'] },
      { targets: ['api', 'worker.2', 'group:g', 'tag:t', 'all'] },
      { targets: Array.from({ length: 500 }, () => 'api') },
      { targets: Array.from({ length: 501 }, () => 'api') },
      { targets: [] },
      { targets: ['api'], extra: true },
      { targets: 'api' },
      { targets: [1] },
      { targets: ['a b'] },
      { targets: ['group:'] },
      { targets: ['api.x'] },
      JSON.parse('{"__proto__":{"x":1},"targets":["api"]}'),
      [],
      ['api'],
      null,
      undefined,
      'api',
      {},
    ];
    for (const body of bodies)
      expect(actionTargets(body) !== null, JSON.stringify(body)).toBe(actionBody.safeParse(body).success);
  });
});
