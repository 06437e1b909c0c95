import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import type { ApiBackend } from '../../../src/supervisor/api/backend.js';
import { createApp } from '../../../src/supervisor/api/routes.js';

function app(reload: ApiBackend['reload']): ReturnType<typeof createApp> {
  const backend = { reload, reportError: () => undefined } as unknown as ApiBackend;
  return createApp(backend, null);
}

async function post(a: ReturnType<typeof createApp>, body?: unknown) {
  const response = await a.request('/v1/reload', {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: await response.json() };
}

const OUTCOME = { plan: { entries: [], settings: [], needsDownUp: [] }, applied: false, result: [] };

describe('POST /v1/reload', () => {
  it('passes dryRun on and answers the outcome; no body is a reload', async () => {
    const calls: unknown[] = [];
    const a = app(async (options) => {
      calls.push(options);
      return OUTCOME;
    });
    expect(await post(a, { dryRun: true })).toEqual({ status: 200, body: OUTCOME });
    expect(await post(a)).toEqual({ status: 200, body: OUTCOME });
    expect(calls).toEqual([{ dryRun: true }, { dryRun: false }]);
  });

  it('a file that does not validate is a 422 with the config error, not a 500', async () => {
    const a = app(async () => {
      throw new ConfigError([
        {
          file: '/p/ovrseer.yml',
          line: 3,
          column: 21,
          path: 'processes.web.replicas',
          message: 'expected a number',
        },
      ]);
    });
    const answer = await post(a, { dryRun: false });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      error: { code: 'OVRSEER_CONFIG_INVALID', message: expect.stringContaining('/p/ovrseer.yml:3:21') },
    });
  });

  it('refuses an unknown member of the body', async () => {
    expect(
      (
        await post(
          app(async () => OUTCOME),
          { dry: true },
        )
      ).status,
    ).toBe(400);
  });
});
