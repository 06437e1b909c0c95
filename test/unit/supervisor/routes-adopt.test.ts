import { describe, expect, it } from 'vitest';
import { OvrseerError } from '../../../src/errors.js';
import type { ApiBackend } from '../../../src/supervisor/api/backend.js';
import { createApp } from '../../../src/supervisor/api/routes.js';

function app(calls: Array<[string, number]>): ReturnType<typeof createApp> {
  const backend = {
    adopt: async (name: string, pid: number) => {
      if (pid === 99) throw new OvrseerError('OVRSEER_ADOPT_FORBIDDEN', 'pid 99 belongs to another user');
      calls.push([name, pid]);
    },
    rows: () => [{ name: 'app', status: 'running', pid: 1234, adopted: true }],
    reportError: () => undefined,
  } as unknown as ApiBackend;
  return createApp(backend, null);
}

const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('POST /v1/processes/:name/adopt', () => {
  it('adopts {pid} and answers with the row; a bad body or a refused pid is a JSON error with its code', async () => {
    const calls: Array<[string, number]> = [];
    const ok = await app(calls).request('/v1/processes/app/adopt', post({ pid: 1234 }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([{ name: 'app', status: 'running', pid: 1234, adopted: true }]);
    expect(calls).toEqual([['app', 1234]]);

    const bad = await app(calls).request('/v1/processes/app/adopt', post({ pid: 'x' }));
    expect(bad.status).toBe(400);
    const forbidden = await app(calls).request('/v1/processes/app/adopt', post({ pid: 99 }));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({
      error: { code: 'OVRSEER_ADOPT_FORBIDDEN', message: 'pid 99 belongs to another user' },
    });
  });
});
