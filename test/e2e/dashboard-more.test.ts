import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { type CliRun, runCli, startCli } from '../helpers/cli.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The dashboard's warnings history, the level filter on JSON logs (in chromium), `up --dashboard-host`,
 * and the forwarder finding a supervisor restarted with another state dir.
 */

const missing = !existsSync(CHROMIUM) && process.env.CI === undefined;
const projects: TempProject[] = [];
let browser: Browser | null = null;

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

beforeAll(async () => {
  if (!missing) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(() => endProjects(projects));

const urlIn = (text: string): string => /dashboard: (http:\/\/\S+)/.exec(text)?.[1] ?? '';

async function dashboardFor(p: TempProject): Promise<{ url: string; run: CliRun }> {
  const up = await runCli(['up', '-d'], { cwd: p.dir });
  expect(up.code, up.stderr).toBe(0);
  const run = startCli(['dashboard', '--no-open'], { cwd: p.dir });
  await run.waitForOutput(/dashboard: http:\/\/\S+/);
  return { url: urlIn(run.stdout()), run };
}

async function openPage(url: string): Promise<Page> {
  if (browser === null) throw new Error('no browser');
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(url);
  return page;
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(missing)('the web dashboard, more', () => {
  it('shows the warnings the supervisor gave before the page opened (a memory limit), in a history list', async () => {
    const p = project(`
name: "{{name}}"
processes:
  hog:
    command: ${fixtureCommand('sleeper.mjs')}
    limits: { memory: 1MB }
    restart: { policy: "no" }
`);
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    expect(up.code, up.stderr).toBe(0);
    await waitFor(
      () => /memory limit/.test(readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8')),
      'the memory-limit warning in the supervisor log',
      { timeout: 20_000, interval: 200 },
    );
    const run = startCli(['dashboard', '--no-open'], { cwd: p.dir });
    await run.waitForOutput(/dashboard: http:\/\/\S+/);
    const page = await openPage(urlIn(run.stdout()));
    await page.getByRole('button', { name: /warnings$/ }).click();
    const item = page.locator('.warning-list li[data-kind="memory"]').first();
    await item.waitFor();
    expect(await item.textContent()).toMatch(/hog.*memory limit 1MB exceeded/);
    await page.context().close();
  });

  it('the level filter keeps the lines whose JSON says that level or above', async () => {
    const p = project(`
name: "{{name}}"
processes:
  json: { command: "sh json.sh" }
`);
    p.write(
      'json.sh',
      `cat <<'END'
{"level":"error","msg":"boom one"}
{"level":"info","msg":"fine two"}
{"level":"warn","msg":"careful three"}
END
exec sleep 100000
`,
    );
    const { url } = await dashboardFor(p);
    const page = await openPage(url);
    await page.locator('header nav button', { hasText: 'logs' }).click();
    await page.locator('.log-line .text', { hasText: 'fine two' }).waitFor();
    await page.getByLabel('level').selectOption('warn');
    await waitFor(async () => {
      const texts = (await page.locator('.log-line .text').allTextContents()).join('\n');
      return texts.includes('boom one') && texts.includes('careful three') && !texts.includes('fine two');
    }, 'only the error and warn JSON lines');
    await page.getByLabel('level').selectOption('error');
    await waitFor(async () => {
      const texts = (await page.locator('.log-line .text').allTextContents()).join('\n');
      return texts.includes('boom one') && !texts.includes('careful three');
    }, 'only the error JSON line');
    expect(await page.locator('.log-line.level-error').count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it('up -d --dashboard --dashboard-host serves on that loopback address', async () => {
    const p = project(`
name: "{{name}}"
processes:
  web: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const up = startCli(['up', '-d', '--dashboard', '--dashboard-host', '127.0.0.2', '--no-open'], {
      cwd: p.dir,
    });
    await waitFor(() => urlIn(up.stderr()) !== '', `the dashboard URL; got:\n${up.stderr()}`);
    const url = urlIn(up.stderr());
    expect(url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/\?token=/);
    const cookie = String((await get(url)).headers['set-cookie']).split(';')[0] ?? '';
    expect((await get(`${url.replace(/\/\?token=.*$/, '')}/v1/processes`, { cookie })).status).toBe(200);
    up.signal('SIGINT');
    expect(await up.exited).toBe(0);
    const ps = await runCli(['ps', '--json'], { cwd: p.dir });
    expect(JSON.parse(ps.stdout)).toMatchObject([{ name: 'web', status: 'running' }]);
  });

  it('finds the supervisor again after it is restarted with another state dir', async () => {
    const yaml = (dir: string) => `
name: "{{name}}"
settings: { state_dir: ${dir} }
processes:
  web: { command: ${fixtureCommand('sleeper.mjs')} }
`;
    const p = project(yaml('.ovrseer'));
    const { url } = await dashboardFor(p);
    const cookie = String((await get(url)).headers['set-cookie']).split(';')[0] ?? '';
    const processes = `${url.replace(/\/\?token=.*$/, '')}/v1/processes`;
    expect((await get(processes, { cookie })).status).toBe(200);
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
    p.write('ovrseer.yml', yaml('state-b').replaceAll('{{name}}', p.name));
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    expect(up.code, up.stderr).toBe(0);
    expect(existsSync(join(p.dir, 'state-b', 'ovrseer.sock'))).toBe(true);
    await waitFor(
      async () => /"name":"web"/.test((await get(processes, { cookie })).body),
      'the rows of the supervisor on the new socket',
    );
  });
});
