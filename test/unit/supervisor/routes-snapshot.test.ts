import { describe, expect, it } from 'vitest';
import type { ApiBackend } from '../../../src/supervisor/api/backend.js';
import { createApp } from '../../../src/supervisor/api/routes.js';
import type { SnapshotOptions } from '../../../src/supervisor/snapshot/build.js';

function app(asked: SnapshotOptions[]): ReturnType<typeof createApp> {
  const backend = {
    snapshot: (options: SnapshotOptions = {}) => {
      asked.push(options);
      return { format: 'ovrseer-snapshot', version: 1 };
    },
    reportError: () => undefined,
  } as unknown as ApiBackend;
  return createApp(backend, null);
}

describe('GET /v1/snapshot', () => {
  it('passes ?lines=N on, and takes the default without it', async () => {
    const asked: SnapshotOptions[] = [];
    const response = await app(asked).request('/v1/snapshot?lines=0');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ format: 'ovrseer-snapshot', version: 1 });
    await app(asked).request('/v1/snapshot');
    expect(asked).toEqual([{ lines: 0 }, {}]);
  });

  it('refuses a bad count or an unknown parameter with a JSON error', async () => {
    for (const [query, message] of [
      ['lines=x', 'lines: expected a whole number of lines per instance from 0 to 10000, got "x"'],
      ['lines=10001', 'lines: expected a whole number of lines per instance from 0 to 10000, got "10001"'],
    ]) {
      const response = await app([]).request(`/v1/snapshot?${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { code: 'OVRSEER_USAGE', message } });
    }
    expect((await app([]).request('/v1/snapshot?line=3')).status).toBe(400);
  });
});
