import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenCheck } from '../../../src/supervisor/api/auth.js';
import type { ApiBackend } from '../../../src/supervisor/api/backend.js';
import { createApp } from '../../../src/supervisor/api/routes.js';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

function app(token: string | null): ReturnType<typeof createApp> {
  root = mkdtempSync(join(tmpdir(), 'ovrseer-page-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<div id="root"></div>');
  writeFileSync(join(root, 'assets', 'main-1.js'), 'console.log(1)');
  const backend = {
    rows: () => [],
    graph: () => ({ nodes: ['api'], edges: [], processes: [] }),
    history: (id: string) => ({
      points: [{ time: 1, cpu: null, rss: 2 }],
      memoryLimit: id === 'api' ? 3 : null,
      cpuLimit: null,
    }),
    reportError: () => undefined,
  } as unknown as ApiBackend;
  return createApp(backend, token === null ? null : createTokenCheck(token), undefined, { webRoot: root });
}

describe('the dashboard page on the API', () => {
  it('serves / and /assets/* from the web root, with types and caching; a missing asset is a JSON 404', async () => {
    const api = app(null);
    const page = await api.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('id="root"');
    const asset = await api.request('/assets/main-1.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1)');
    const missing = await api.request('/assets/../index.html');
    expect([404]).toContain(missing.status);
    expect(await (await api.request('/assets/nope.js')).json()).toEqual({
      error: { code: 'OVRSEER_NOT_FOUND', message: 'no file /assets/nope.js' },
    });
    expect(await (await api.request('/v1/graph')).json()).toEqual({
      nodes: ['api'],
      edges: [],
      processes: [],
    });
  });

  it('with a token (TCP): the URL token becomes a cookie, which then authenticates; nothing else does', async () => {
    const api = app('tok');
    expect((await api.request('/')).status).toBe(401);
    expect((await api.request('/?token=bad')).status).toBe(401);
    const traded = await api.request('/?token=tok');
    expect(traded.status).toBe(302);
    expect(traded.headers.get('location')).toBe('/');
    expect(traded.headers.get('set-cookie')).toBe('ovrseer_token=tok; Path=/; HttpOnly; SameSite=Strict');
    const cookie = { cookie: 'ovrseer_token=tok' };
    expect((await api.request('/', { headers: cookie })).status).toBe(200);
    expect((await api.request('/v1/processes', { headers: cookie })).status).toBe(200);
    expect((await api.request('/v1/processes', { headers: { authorization: 'Bearer tok' } })).status).toBe(
      200,
    );
    // Only the page trades a URL token: API routes take the header or the cookie.
    expect((await api.request('/v1/processes?token=tok')).status).toBe(401);
  });
});
