import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { killMarked } from '../helpers/processes.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(async () => {
  killStrayClis();
  for (const created of projects.splice(0)) {
    await runCli(['down'], { cwd: created.dir });
    killMarked(created.name);
    created.remove();
  }
});

interface JsonLine {
  time: string;
  process: string;
  stream: string;
  level: string;
  text: string;
}

async function jsonLogs(p: TempProject, ...args: string[]): Promise<JsonLine[]> {
  const result = await runCli(['logs', '--json', '-n', 'all', ...args], { cwd: p.dir });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonLine);
}

// Each replica prints three lines, one of them to stderr and one with a CRLF, then waits.
const SCRIPT = String.raw`printf "hello from $PS\r\nERROR oops from $PS\n"; echo "warned by $PS" >&2; exec sleep 600`;

describe('per-process log files', () => {
  it('hold the output as printed; logs still knows times, replicas, streams and levels', async () => {
    const p = project(`
name: "{{name}}"
processes:
  web: { command: ${JSON.stringify(['sh', '-c', SCRIPT])}, replicas: 2 }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const file = join(p.dir, '.ovrseer', 'logs', 'web.log');
    const text = (): string => (existsSync(file) ? readFileSync(file, 'latin1') : '');
    await waitFor(() => (text().match(/\n/g) ?? []).length >= 6, 'six lines in web.log');
    // What `tail -f logs/web.log` shows: the programs' lines, nothing added, nothing of ovrseer's.
    const lines = text().split('\n').slice(0, -1).sort();
    expect(lines).toEqual([
      'ERROR oops from web.1',
      'ERROR oops from web.2',
      'hello from web.1\r',
      'hello from web.2\r',
      'warned by web.1',
      'warned by web.2',
    ]);
    const entries = await jsonLogs(p, 'web');
    const output = entries.filter((entry) => entry.stream !== 'system');
    expect(output.map((e) => `${e.process} ${e.stream} ${e.level} ${e.text}`).sort()).toEqual([
      'web.1 err info warned by web.1',
      'web.1 out error ERROR oops from web.1',
      'web.1 out info hello from web.1',
      'web.2 err info warned by web.2',
      'web.2 out error ERROR oops from web.2',
      'web.2 out info hello from web.2',
    ]);
    // ovrseer's own lines come from the index, in their place among the output.
    expect(
      entries.some((e) => e.stream === 'system' && e.process === 'web.1' && /^running: /.test(e.text)),
    ).toBe(true);
    const started = Date.parse(entries[0]?.time ?? '');
    expect(Math.abs(started - Date.now())).toBeLessThan(60_000);

    // A second supervisor appends to the same pair: both runs read back, --since splits them.
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
    const between = new Date().toISOString();
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    await waitFor(() => (text().match(/\n/g) ?? []).length >= 12, 'the second run in web.log');
    const all = (await jsonLogs(p, 'web')).filter((e) => e.stream !== 'system');
    expect(all).toHaveLength(12);
    const recent = (await jsonLogs(p, 'web', '--since', between)).filter((e) => e.stream !== 'system');
    expect(recent).toHaveLength(6);
    expect((await jsonLogs(p, 'web', '--level', 'error')).map((e) => e.text).sort()).toEqual([
      'ERROR oops from web.1',
      'ERROR oops from web.1',
      'ERROR oops from web.2',
      'ERROR oops from web.2',
    ]);
  });
});
