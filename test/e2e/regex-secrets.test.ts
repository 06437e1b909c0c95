import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import { runCli } from '../helpers/cli.js';
import { NODE, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 16, items 6 and 13: a user's regex cannot freeze the supervisor; reports carry no secrets.

const projects: TempProject[] = [];

function project(yaml: string, files: Record<string, string> = {}): TempProject {
  const created = tempProject(yaml, files);
  projects.push(created);
  return created;
}

afterEach(() => endProjects(projects), 60_000);

const socketOf = (p: TempProject): string => join(p.dir, '.ovrseer', 'ovrseer.sock');

/** A GET on the unix socket with its status and time: the ApiClient turns a 400 into an error. */
function timedGet(socketPath: string, path: string): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', timeout: 30_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, ms: Date.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path} in 30 s`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Prints `count` lines of `length` a's and a `!` (no match for `(a+)+$`: worst case for backtracking),
 * `batch` lines every `delay` ms, then `tail` a's (a match) when `tail` > 0.
 */
const LONG_LINES = `
const [count, length, tail, batch, delay] = process.argv.slice(2).map(Number);
const line = 'a'.repeat(length) + '!';
let printed = 0;
const next = () => {
  for (let i = 0; i < batch && printed < count; i += 1, printed += 1) process.stdout.write(line + '\\n');
  if (printed < count) setTimeout(next, delay);
  else {
    if (tail > 0) process.stdout.write('a'.repeat(tail) + '\\n');
    setInterval(() => {}, 1000);
  }
};
next();
`;

const longLines = (count: number, length: number, tail: number, batch: number, delay: number): string =>
  JSON.stringify([NODE, 'long-lines.mjs', ...[count, length, tail, batch, delay].map(String)]);

describe('a catastrophic regex', () => {
  it('GET /v1/logs?grep=(a+)+$ over long lines leaves GET /v1/processes answering; a bad grep is a 400', async () => {
    const p = project(
      `name: "{{name}}"\nprocesses:\n  spew: { command: ${longLines(100, 60_000, 0, 20, 5)}, restart: { policy: "no" } }\n`,
      { 'long-lines.mjs': LONG_LINES },
    );
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const client = new ApiClient(socketOf(p));
    await waitFor(
      async () =>
        (await client.get<{ text: string }[]>('/v1/logs?names=spew&limit=1000')).filter((entry) =>
          entry.text.endsWith('a!'),
        ).length >= 100,
      'the 100 long lines to be buffered',
      { timeout: 20_000 },
    );
    // Backtracking: 2^27 steps for 27 a's, these lines have 60,000. RE2: a few ms a line.
    const search = timedGet(socketOf(p), '/v1/logs?grep=(a%2B)%2B%24');
    const ping = timedGet(socketOf(p), '/v1/processes');
    const [searched, pinged] = await Promise.all([search, ping]);
    expect(pinged.status).toBe(200);
    expect((JSON.parse(pinged.body) as ProcessRow[]).map((row) => row.name)).toEqual(['spew']);
    expect(pinged.ms).toBeLessThan(1000);
    // Either it finished (nothing ends in a's) or it said it ran out of time: never a hang.
    if (searched.status === 200) expect(JSON.parse(searched.body)).toEqual([]);
    else expect(JSON.parse(searched.body)).toMatchObject({ error: { code: 'OVRSEER_LIMIT_EXCEEDED' } });

    const bad = await timedGet(socketOf(p), `/v1/logs?grep=${encodeURIComponent('(\\w)\\1')}`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({
      error: {
        code: 'OVRSEER_PATTERN_INVALID',
        message: expect.stringMatching(/^grep: .*backreference .*RE2 does not support/),
      },
    });
    const cli = await runCli(['logs', '--grep', 'x(?=y)'], { cwd: p.dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/lookahead/);
  }, 60_000);

  it('a ready: {log: "(a+)+$"} probe on a process printing long lines does not stop pings', async () => {
    // 200 lines of 4,096 a's and a `!`, one every 10 ms, then one that matches: ready after that.
    // Backtracking would take 2^4096 steps on the first; RE2 takes well under a millisecond each.
    const p = project(
      `name: "{{name}}"\nprocesses:\n  spew:\n    command: ${longLines(200, 4096, 30, 1, 10)}\n    ready: { log: "(a+)+$", timeout: 60s }\n`,
      { 'long-lines.mjs': LONG_LINES },
    );
    const client = new ApiClient(socketOf(p));
    let slowest = 0;
    let pings = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const started = Date.now();
        try {
          await client.get<ProcessRow[]>('/v1/processes', 5000);
          pings += 1;
          slowest = Math.max(slowest, Date.now() - started);
        } catch (error) {
          if (!/ENOENT|ECONNREFUSED|no supervisor/.test((error as Error).message)) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    await waitFor(
      async () => (await client.get<ProcessRow[]>('/v1/processes'))[0]?.status === 'ready',
      'spew to be ready',
      { timeout: 30_000 },
    );
    polling = false;
    await poller;
    expect(up.code).toBe(0);
    expect(pings).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(1000);
  }, 60_000);
});

const CRASH = `
console.log('argv: ' + process.argv.slice(2).join(' '));
console.log('stripe: ' + process.env.STRIPE_SK);
console.error('fatal: giving up');
process.exit(1);
`;

describe('a crash report', () => {
  it('carries no secret of the config env or the command line, and inherited variables by name only', async () => {
    const stripe = 'sk_live_51H8e2eXyZabcDEFghiJKLmno';
    const p = project(
      `name: "{{name}}"
processes:
  pay:
    command: ${JSON.stringify(`${JSON.stringify(NODE)} crash.mjs --token tok-cmd-777 --port 3000`)}
    env: { STRIPE_SK: ${JSON.stringify(stripe)}, QUEUE: payments }
    restart: { policy: "no" }
`,
      { 'crash.mjs': CRASH },
    );
    const env = { E2E_INHERITED_MARKER: 'inherited-value-9c1d' };
    await runCli(['up', '-d'], { cwd: p.dir, env });
    const client = new ApiClient(socketOf(p));
    await waitFor(
      async () => (await runCli(['reports', '--json'], { cwd: p.dir })).stdout.includes('"pay"'),
      'the crash report of pay',
      { timeout: 20_000 },
    );
    expect((await client.get<ProcessRow[]>('/v1/processes'))[0]?.name).toBe('pay');
    const list = JSON.parse((await runCli(['reports', '--json'], { cwd: p.dir })).stdout) as { id: string }[];
    const id = list[0]?.id ?? '';
    const json = (await runCli(['reports', id, '--json'], { cwd: p.dir })).stdout;
    const text = (await runCli(['reports', id], { cwd: p.dir })).stdout;
    for (const output of [json, text]) {
      expect(output).not.toContain('tok-cmd-777');
      expect(output).not.toContain('51H8e2eXyZabcDEFghiJKLmno');
      expect(output).not.toContain('inherited-value-9c1d');
    }
    const report = JSON.parse(json) as {
      env: Record<string, string>;
      inheritedEnv: string[];
      lines: { text: string }[];
    };
    expect(Object.keys(report.env)).toEqual(expect.arrayContaining(['STRIPE_SK', 'QUEUE']));
    expect(report.env.QUEUE).toBe('payments');
    expect(report.env.PATH).toBeUndefined();
    expect(report.inheritedEnv).toEqual(expect.arrayContaining(['E2E_INHERITED_MARKER', 'PATH']));
    expect(report.lines.map((line) => line.text)).toEqual(
      expect.arrayContaining(['argv: --token [redacted] --port 3000', 'stripe: sk_live_[redacted]']),
    );
    expect(text).toMatch(/inherited +.*E2E_INHERITED_MARKER.* \(names only\)/);
  }, 60_000);
});
