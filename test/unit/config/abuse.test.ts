import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { composeDurationSchema } from '../../../src/config/import/compose-schema.js';
import { loadProject } from '../../../src/config/load.js';
import { parse, parseIssues, processOf } from './helpers.js';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
const MAX = 'longer than the longest duration allowed, 596h 31m 23.647s (2147483647ms, about 24.8 days)';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-abuse-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('durations over 2^31-1 ms (item 9)', () => {
  it('refuses each with its key, position and the maximum', () => {
    const issues = parseIssues(
      lines(
        'settings: { metrics_interval: 1000000h }',
        'processes:',
        '  api:',
        '    command: x',
        '    ready: { log: up, timeout: 600h }',
        '    health: { tcp: 3000, interval: 600h }',
      ),
    );
    expect(issues.map((i) => [i.line, i.column, i.path])).toEqual([
      [1, 31, 'settings.metrics_interval'],
      [5, 32, 'processes.api.ready.timeout'],
      [6, 36, 'processes.api.health.interval'],
    ]);
    expect(issues[1]?.message).toBe(`"600h" is ${MAX}: timers cannot wait longer`);
  });

  it('takes the maximum itself and refuses one millisecond more, as a number too', () => {
    const ok = parse(lines('processes:', '  a: { command: x, stop: { timeout: 2147483647 } }'));
    expect(processOf(ok, 'a').stop.timeout).toBe(2_147_483_647);
    const issues = parseIssues(lines('processes:', '  a: { command: x, stop: { timeout: 2147483648 } }'));
    expect(issues).toMatchObject([
      { path: 'processes.a.stop.timeout', message: expect.stringContaining(MAX) },
    ]);
  });

  it('bounds the Go durations of compose files the same way', () => {
    expect(composeDurationSchema.safeParse('1m30s')).toMatchObject({ success: true, data: 90_000 });
    const result = composeDurationSchema.safeParse('1000h');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(MAX);
  });
});

describe('validate refuses what up would fail on (item 10)', () => {
  it('metrics_interval: 0 (and anything under 100ms)', () => {
    for (const value of ['0', '50ms']) {
      expect(
        parseIssues(lines(`settings: { metrics_interval: ${value} }`, 'processes:', '  a: { command: x }')),
      ).toMatchObject([
        { line: 1, path: 'settings.metrics_interval', message: expect.stringContaining('at least 100ms') },
      ]);
    }
    expect(
      parse(lines('settings: { metrics_interval: 100ms }', 'processes:', '  a: { command: x }')).settings
        .metricsInterval,
    ).toBe(100);
  });

  it('NUL bytes in env values, env names, commands and arguments, where they are written', () => {
    const issues = parseIssues(
      lines(
        'processes:',
        '  a: { command: "sleep 1\\0", env: { A: "x\\0y", "B\\0": z } }',
        '  b: { command: [sleep, "6\\0"] }',
      ),
    );
    expect(issues.map((i) => [i.line, i.column, i.path])).toEqual([
      [2, 17, 'processes.a.command'],
      [2, 40, 'processes.a.env.A'],
      [2, 48, 'processes.a.env'],
      [3, 25, 'processes.b.command[1]'],
    ]);
    expect(issues[0]?.message).toContain('a NUL byte (\\0) in a string');
  });

  it('a NUL byte from an env file', () => {
    writeFileSync(join(dir, 'a.env'), 'A=x\0y\n');
    const issues = parseIssues(lines('processes:', '  a: { command: x, env_file: a.env }'), { dir });
    expect(issues).toMatchObject([
      {
        line: 2,
        path: 'processes.a.env_file[0]',
        message: expect.stringMatching(/a\.env.*A holds a NUL byte/),
      },
    ]);
  });

  it('a process named after the target keyword all', () => {
    expect(parseIssues(lines('processes:', '  all: { command: x }'))).toMatchObject([
      {
        line: 2,
        column: 3,
        message: expect.stringContaining("'all' cannot name a process: it is the target keyword"),
      },
    ]);
  });

  it('a name too long for its log file, with the limit', () => {
    const long = 'n'.repeat(300);
    expect(parseIssues(lines('processes:', `  ${long}: { command: x }`))).toMatchObject([
      { line: 2, column: 3, message: expect.stringContaining('is 300 characters long, more than 200') },
    ]);
    expect(parse(lines('processes:', `  ${'n'.repeat(200)}: { command: x }`)).processes).toHaveLength(1);
  });

  it('tags: one word is one tag; spaces and commas cannot be targeted', () => {
    expect(processOf(parse(lines('processes:', '  a: { command: x, tags: notalist }')), 'a').tags).toEqual([
      'notalist',
    ]);
    const issues = parseIssues(lines('processes:', '  a: { command: x, tags: "a, b", group: web tier }'));
    expect(issues).toMatchObject([
      {
        path: 'processes.a.tags',
        message: expect.stringContaining('write several tags as a list, e.g. [backend, critical]'),
      },
      { path: 'processes.a.group', message: expect.stringContaining('without spaces or commas') },
    ]);
  });

  it('an env file outside the project is read with a warning naming it', () => {
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(dir, 'outside.env'), 'SECRET=1\n');
    writeFileSync(join(project, 'inside.env'), 'OK=1\n');
    const spec = parse(lines('processes:', '  a: { command: x, env_file: [inside.env, ../outside.env] }'), {
      dir: project,
    });
    expect(processOf(spec, 'a').env).toMatchObject({ SECRET: '1', OK: '1' });
    expect(spec.warnings).toEqual([
      {
        file: 'ovrseer.yml',
        line: 2,
        column: 43,
        path: 'processes.a.env_file[1]',
        message: `env file "../outside.env" is outside the project directory ${project}: its variables are read and given to the processes`,
      },
    ]);
    expect(
      parse(lines('processes:', '  a: { command: x, env_file: inside.env }'), { dir: project }).warnings,
    ).toBeUndefined();
  });

  it('an env file that is a device or a directory is refused, not read forever', () => {
    mkdirSync(join(dir, 'adir'));
    const issues = parseIssues(
      lines('env_file: /dev/zero', 'processes:', '  a: { command: x, env_file: adir }'),
      { dir },
    );
    expect(issues.map((i) => i.message)).toEqual([
      'cannot read env file "/dev/zero": not a regular file (a directory, device or pipe)',
    ]);
    const more = parseIssues(lines('processes:', '  a: { command: x, env_file: adir }'), { dir });
    expect(more).toMatchObject([{ line: 2, message: expect.stringContaining('not a regular file') }]);
  });
});

describe('huge and deep configs (item 11)', () => {
  const chain = (n: number, cycle: boolean) => {
    const rows = [`settings: { limits: { max_processes: ${n} } }`, 'processes:'];
    for (let i = 0; i < n; i++) {
      const dep = i + 1 < n ? `p${i + 1}` : cycle ? 'p0' : null;
      rows.push(dep === null ? `  p${i}: { command: x }` : `  p${i}: { command: x, depends_on: [${dep}] }`);
    }
    return lines(...rows);
  };

  it('a 4,000-deep depends_on chain validates without overflowing the stack', () => {
    expect(parse(chain(4000, false)).processes).toHaveLength(4000);
  }, 30_000);

  it('a 4,000-long cycle is reported once, at the edge that closes it', () => {
    const issues = parseIssues(chain(4000, true));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 3, path: 'processes.p0.depends_on[0]' });
    expect(issues[0]?.message).toMatch(/^dependency cycle: p0 -> p1 -> .* -> p3999 -> p0$/);
  }, 30_000);

  it('max_processes is checked before the processes are: one issue, not one per bad process', () => {
    const rows = ['processes:'];
    for (let i = 0; i < 1000; i++) rows.push(`  p${i}: { command: x, bogus: 1 }`);
    const issues = parseIssues(lines(...rows));
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 1,
        column: 1,
        path: 'processes',
        message:
          '1000 processes exceed settings.limits.max_processes (200); raise it with settings: { limits: { max_processes: 1000 } } if this is intended',
      },
    ]);
  });

  it('a config file over 4MB is refused before it is parsed', () => {
    const text = `processes:\n  a: { command: x }\n${'#'.repeat(4 * 1024 * 1024)}\n`;
    expect(parseIssues(text)[0]?.message).toMatch(
      /^ovrseer\.yml is \d+ bytes, more than the 4194304 \(4MB\)/,
    );
    const file = join(dir, 'ovrseer.yml');
    writeFileSync(file, text);
    expect(() => loadProject({ cwd: dir })).toThrow(
      /is \d+ bytes, more than the 4194304 \(4MB\) a config file may hold/,
    );
  });

  it('-f naming a device is refused, not read forever', () => {
    expect(() => loadProject({ cwd: dir, file: '/dev/zero' })).toThrow('/dev/zero is not a regular file');
  });

  it('duplicate keys are still found, with the line of the first', () => {
    expect(
      parseIssues(lines('processes:', '  a: { command: x }', '  b: { command: y }', '  a: { command: z }')),
    ).toEqual([
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 3,
        path: '',
        message: 'YAML: duplicate key "a" (first on line 2): a key may appear once in a map',
      },
    ]);
  });
});

describe("yaml's own messages become ours (item 12)", () => {
  it('a list or map as a key is an error at its position, and yaml prints no warning', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const issues = parseIssues(
      lines('processes:', '  a: { command: x }', '  ? [b, c]', '  : { command: y }'),
    );
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 3,
        column: 5,
        path: '',
        message: 'YAML: a key must be a name or another plain value, not a list',
      },
    ]);
    expect(parseIssues(lines('x-a: &k { n: 1 }', 'processes:', '  *k : { command: y }'))[0]?.message).toBe(
      'YAML: a key must be a name or another plain value, not a map',
    );
    expect(warn).not.toHaveBeenCalled();
  });

  it('nesting too deep for yaml (or for us) is said in our words, with a position', () => {
    for (const depth of [70, 5000]) {
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const issues = parseIssues(lines('processes:', `  a: { command: x, env: { A: ${nested} } }`));
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) {
        expect(issue).toMatchObject({ line: 2, column: expect.any(Number) });
        expect(issue.message).toMatch(/nested (more than 64 levels deep|too deeply to read)/);
        expect(issue.message).not.toMatch(/Maximum call stack/);
      }
    }
  });

  it('a second document is explained without pointing at the yaml API', () => {
    const issues = parseIssues(lines('processes:', '  a: { command: x }', '---', 'processes: {}'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 3, column: 1 });
    expect(issues[0]?.message).toBe(
      'YAML syntax: the file holds more than one YAML document (a second "---" or a "..." line); an ovrseer config is one document: remove the separator, or merge the documents',
    );
    expect(issues[0]?.message).not.toMatch(/parseAllDocuments/);
  });
});
