// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../../../src/errors.js';
import { parse, parseIssues } from './helpers.js';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

describe('YAML syntax errors', () => {
  it('report line and column, without a stack trace or code frame', () => {
    const issues = parseIssues(lines('processes:', '  api:', '    command: node', '    command: deno'));
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 5,
        path: '',
        message: 'YAML: duplicate key "command" (first on line 3): a key may appear once in a map',
      },
    ]);
  });

  it('are all collected', () => {
    const issues = parseIssues(lines('processes:', '\tapi:', '    command: node', '  web: {', '  x: 1'));
    expect(issues.length).toBeGreaterThan(1);
    expect(issues[0]).toMatchObject({
      line: 2,
      column: 1,
      message: 'YAML syntax: Tabs are not allowed as indentation',
    });
  });

  it('the ConfigError message lists file:line:col for each', () => {
    try {
      parse(lines('processes:', '  api:', '    command: node', '   bad: indentation'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toBe(
        'invalid config:\n  ovrseer.yml:4:1: YAML syntax: All mapping items must start at the same column',
      );
      expect((error as ConfigError).code).toBe('OVRSEER_CONFIG_INVALID');
    }
  });
});

describe('YAML aliases', () => {
  it('an alias without its anchor, at the alias', () => {
    expect(parseIssues(lines('processes:', '  a: { command: *cmd }'))).toEqual([
      {
        file: 'ovrseer.yml',
        line: 2,
        column: 17,
        path: '',
        message: 'YAML: alias *cmd has no anchor &cmd before it',
      },
    ]);
  });

  it('an alias bomb is refused as a config error', () => {
    const bomb = lines(
      'x-a: &a [x, x, x, x, x, x, x, x, x]',
      'x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'processes: { a: { command: x, tags: *d } }',
    );
    expect(parseIssues(bomb)[0]?.message).toMatch(/^YAML: Excessive alias count/);
  });
});

describe('schema errors point into what the user wrote', () => {
  it('a bad duration', () => {
    const issues = parseIssues(
      lines('processes:', '  api:', '    command: node', '    restart:', '      delay: fast'),
    );
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue).toMatchObject({ line: 5, column: 14, path: 'processes.api.restart.delay' });
    expect(issue && formatConfigIssue(issue)).toBe(
      'ovrseer.yml:5:14: processes.api.restart.delay: expected a duration such as "500ms", "5s" or "2m", got "fast"',
    );
  });

  it('an unknown key, at the key, with a suggestion; and the missing key it was meant to be', () => {
    const issues = parseIssues(lines('processes:', '  api:', '    comand: node'));
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 2,
        column: 3,
        path: 'processes.api.command',
        message: "missing required key 'command'",
      },
      {
        file: 'ovrseer.yml',
        line: 3,
        column: 5,
        path: 'processes.api.comand',
        message: "unknown key 'comand' (did you mean 'command'?)",
      },
    ]);
  });

  it('suggests across spellings (dependsOn → depends_on) and says nothing when nothing is close', () => {
    const issues = parseIssues(
      lines('processes:', '  api:', '    command: node', '    dependsOn: [db]', '    colour: red'),
    );
    expect(issues.map((i) => [i.line, i.column, i.message])).toEqual([
      [4, 5, "unknown key 'dependsOn' (did you mean 'depends_on'?)"],
      [5, 5, "unknown key 'colour'"],
    ]);
  });

  it('unknown keys at the top level and inside probes', () => {
    const issues = parseIssues(
      lines(
        'proceses: {}',
        'processes:',
        '  api:',
        '    command: node',
        '    ready: { log: up, tiemout: 5s }',
      ),
    );
    expect(issues.map((i) => [i.line, i.column, i.path, i.message])).toEqual([
      [1, 1, 'proceses', "unknown key 'proceses' (did you mean 'processes'?)"],
      [5, 23, 'processes.api.ready.tiemout', "unknown key 'tiemout' (did you mean 'timeout'?)"],
    ]);
  });

  it('a value of the wrong type, and a bad enum with a suggestion', () => {
    const issues = parseIssues(
      lines('processes:', '  api:', '    command: node', '    replicas: many', '    type: servce'),
    );
    expect(issues.map((i) => [i.line, i.column, i.path, i.message])).toEqual([
      [4, 15, 'processes.api.replicas', 'expected a number, got "many"'],
      [
        5,
        11,
        'processes.api.type',
        `expected one of dependency, service, main, task, cleanup, got "servce" (did you mean 'service'?)`,
      ],
    ]);
  });

  it('collects every issue of the file, not just the first', () => {
    const issues = parseIssues(
      lines(
        'processes:',
        '  a:',
        '    command: x',
        '    port: 70000',
        '    replicas: 0',
        '    restart: sometimes',
        '  b:',
        '    command: ""',
        '    ready: { timeout: 5s }',
      ),
    );
    expect(issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual([
      '4:11 processes.a.port: expected a number <= 65535, got 70000',
      '5:15 processes.a.replicas: expected a number >= 1, got 0',
      '6:14 processes.a.restart: expected one of no, never, always, on-failure, unless-stopped, got "sometimes"',
      '8:14 processes.b.command: the command is empty',
      '9:12 processes.b.ready: expected a probe: one of log, http, tcp, exec or notify: true',
    ]);
  });

  it('a bad signal', () => {
    const issues = parseIssues(lines('processes:', '  a:', '    command: x', '    stop: { signal: SIGFOO }'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 4, column: 21, path: 'processes.a.stop.signal' });
    expect(issues[0]?.message).toMatch(/^unknown signal "SIGFOO"/);
  });

  it('a bad cron expression', () => {
    const issues = parseIssues(
      lines('processes:', '  a:', '    command: x', '    cron_restart: "61 * * * *"'),
    );
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 19,
        path: 'processes.a.cron_restart',
        message: 'invalid cron expression "61 * * * *": Invalid value for minute: 61',
      },
    ]);
  });

  it('an invalid regular expression in a log probe', () => {
    const issues = parseIssues(
      lines('processes:', '  a:', '    command: x', '    ready: { log: "ready (" }'),
    );
    expect(issues[0]).toMatchObject({ line: 4, column: 19, path: 'processes.a.ready.log' });
    expect(issues[0]?.message).toMatch(/^"ready \(" is an invalid regular expression: missing closing \)/);
  });

  it('a log probe pattern RE2 cannot run (backreference, lookaround), at the pattern', () => {
    const issues = parseIssues(
      lines(
        'processes:',
        '  a:',
        '    command: x',
        '    ready: { log: "(\\\\w)\\\\1" }',
        '  b:',
        '    command: x',
        '    ready: { log: { pattern: "up(?=!)" } }',
      ),
    );
    expect(issues[0]).toMatchObject({ line: 4, column: 19, path: 'processes.a.ready.log' });
    expect(issues[0]?.message).toMatch(/uses a backreference \(\\1\), which RE2 does not support/);
    expect(issues[1]).toMatchObject({ line: 7, path: 'processes.b.ready.log.pattern' });
    expect(issues[1]?.message).toMatch(/uses lookahead/);
  });

  it('an unknown user', () => {
    const issues = parseIssues(lines('processes:', '  a:', '    command: x', '    user: no-such-user-here'));
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 11,
        path: 'processes.a.user',
        message: 'unknown user "no-such-user-here" (not in /etc/passwd)',
      },
    ]);
  });

  it('errors in the list form use its paths', () => {
    const issues = parseIssues(
      lines(
        'processes:',
        '  - id: db',
        '    command: postgres',
        '    readyChecks:',
        '      - logPattern: up',
        '        timeout: soon',
      ),
    );
    expect(issues.map((i) => [i.line, i.column, i.path])).toEqual([
      [6, 18, 'processes[0].readyChecks[0].timeout'],
    ]);
  });

  it('errors in the services form use its paths', () => {
    const issues = parseIssues(
      lines(
        'services:',
        '  api:',
        '    command: npm start',
        '    healthcheck:',
        '      http_get: localhost:3000',
        '      interval: often',
      ),
    );
    expect(issues.map((i) => [i.line, i.column, i.path, i.message])).toEqual([
      [
        5,
        17,
        'services.api.healthcheck.http_get',
        'expected an http:// or https:// URL, got "localhost:3000"',
      ],
      [
        6,
        17,
        'services.api.healthcheck.interval',
        'expected a duration such as "500ms", "5s" or "2m", got "often"',
      ],
    ]);
  });
});

describe('interpolation errors point at the scalar', () => {
  it('an unterminated ${, at the ${', () => {
    expect(parseIssues(lines('processes:', '  a:', '    command: x', '    cwd: "${APP_DIR"'))).toEqual([
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 11,
        path: 'processes.a.cwd',
        message: 'unterminated "${" in "${APP_DIR" (write "$$" for a literal "$")',
      },
    ]);
  });

  it('a required variable that is not set', () => {
    const issues = parseIssues(
      lines('env:', '  DB_URL: ${DB_URL:?set DB_URL to the database}', 'processes:', '  a: { command: x }'),
    );
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 2,
        column: 11,
        path: 'env.DB_URL',
        message: 'variable DB_URL is required: set DB_URL to the database',
      },
    ]);
  });

  it('a variable that is not set, at the reference inside the value, each one', () => {
    const issues = parseIssues(
      lines(
        'env:',
        '  DB_URL: "postgres://${DB_USER}@${DB_HOST}/app"',
        'processes:',
        '  a: { command: x, cwd: ${APP_DIR}, group: "g-${GROUP:-web}" }',
      ),
    );
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 2,
        column: 23,
        path: 'env.DB_URL',
        message:
          'variable DB_USER is not set (write ${DB_USER:-default} to give it a default, or $${DB_USER} for a literal)',
      },
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 25,
        path: 'processes.a.cwd',
        message: expect.stringMatching(/^variable APP_DIR is not set/),
      },
    ]);
  });

  it('a reference the YAML text does not hold verbatim (escapes) points at the value', () => {
    const issues = parseIssues(lines('processes:', '  a:', '    command: x', '    group: "\\x24{NOPE}"'));
    expect(issues[0]).toMatchObject({ line: 4, column: 12, path: 'processes.a.group' });
  });

  it('a malformed reference', () => {
    const issues = parseIssues(lines('processes:', '  a:', '    command: x', '    group: "${1st}"'));
    expect(issues[0]).toMatchObject({ line: 4, column: 13, path: 'processes.a.group' });
    expect(issues[0]?.message).toContain('invalid variable reference "${1st}"');
  });
});

describe('cross-checks', () => {
  it('a dependency on a missing process, with a suggestion', () => {
    const issues = parseIssues(
      lines('processes:', '  api:', '    command: x', '    depends_on: [dbb]', '  db:', '    command: y'),
    );
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 18,
        path: 'processes.api.depends_on[0]',
        message: "unknown process 'dbb' (did you mean 'db'?)",
      },
    ]);
  });

  it('a missing dependency written as a map points at its key', () => {
    const issues = parseIssues(
      lines(
        'processes:',
        '  api:',
        '    command: x',
        '    depends_on:',
        '      cache: { condition: healthy }',
      ),
    );
    expect(issues.map((i) => [i.line, i.column, i.path, i.message])).toEqual([
      [5, 7, 'processes.api.depends_on.cache', "unknown process 'cache'"],
    ]);
  });

  it('a cycle, named once, from its first process in the file', () => {
    const issues = parseIssues(
      lines(
        'processes:',
        '  a:',
        '    command: x',
        '    depends_on: [b]',
        '  b:',
        '    command: y',
        '    depends_on: { a: started }',
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 4, column: 18, path: 'processes.a.depends_on[0]' });
    expect(issues[0]?.message).toBe('dependency cycle: a -> b -> a');
  });

  it('a longer cycle reached from outside it', () => {
    const issues = parseIssues(
      lines(
        'processes:',
        '  web: { command: w, depends_on: [api] }',
        '  api: { command: a, depends_on: [cache] }',
        '  cache: { command: c, depends_on: [db] }',
        '  db: { command: d, depends_on: [api] }',
      ),
    );
    expect(issues.map((i) => [i.line, i.path, i.message])).toEqual([
      [3, 'processes.api.depends_on[0]', 'dependency cycle: api -> cache -> db -> api'],
    ]);
  });

  it('a process depending on itself', () => {
    const issues = parseIssues(lines('processes:', '  a:', '    command: x', '    depends_on: [a]'));
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 18,
        path: 'processes.a.depends_on[0]',
        message: "'a' cannot depend on itself",
      },
    ]);
  });

  it('a dependency on a cleanup process', () => {
    const issues = parseIssues(
      lines('processes:', '  a: { command: x, depends_on: [c] }', '  c: { command: y, type: cleanup }'),
    );
    expect(issues[0]).toMatchObject({ line: 2, column: 33, path: 'processes.a.depends_on[0]' });
    expect(issues[0]?.message).toMatch(
      /^'a' depends on cleanup process 'c': cleanup processes run at shutdown/,
    );
  });

  it('more processes (counting replicas) than settings.limits.max_processes', () => {
    const issues = parseIssues(
      lines(
        'settings:',
        '  limits: { max_processes: 3 }',
        'processes:',
        '  a: { command: x, replicas: 3 }',
        '  b: { command: y }',
      ),
    );
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 3,
        column: 1,
        path: 'processes',
        message:
          '4 processes (counting replicas) exceed settings.limits.max_processes (3); raise it with settings: { limits: { max_processes: 4 } } if this is intended',
      },
    ]);
  });

  it('the default limit is 200', () => {
    const many = Array.from({ length: 201 }, (_, i) => `  p${i}: { command: x }`);
    expect(parseIssues(lines('processes:', ...many))[0]?.message).toMatch(/^201 processes .* \(200\)/);
    expect(() => parse(lines('processes:', ...many.slice(1)))).not.toThrow();
  });

  it('process names: "." and ":" are reserved', () => {
    const issues = parseIssues(lines('processes:', '  web.1: { command: x }', '  "group:a": { command: y }'));
    expect(issues.map((i) => [i.line, i.column])).toEqual([
      [2, 3],
      [3, 3],
    ]);
    expect(issues[0]?.message).toContain('"." separates a replica number');
  });

  it('duplicate ids in the list form', () => {
    const issues = parseIssues(
      lines('processes:', '  - id: a', '    command: x', '  - id: a', '    command: y'),
    );
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 9,
        path: 'processes[1].id',
        message: "duplicate process name 'a' (first defined on line 2)",
      },
    ]);
  });

  it('an empty process list', () => {
    expect(parseIssues(lines('processes: {}'))).toEqual([
      { file: 'ovrseer.yml', line: 1, column: 1, path: 'processes', message: 'no processes defined' },
    ]);
  });
});

describe('document shape', () => {
  it('an empty file', () => {
    expect(parseIssues('')[0]?.message).toMatch(/^the config is empty/);
  });

  it('a file that is not a map', () => {
    expect(parseIssues('- a\n- b\n')[0]).toMatchObject({
      line: 1,
      column: 1,
      message: expect.stringMatching(/^expected a map/),
    });
  });

  it('processes: and services: together', () => {
    expect(parseIssues(lines('services: {}', 'processes: {}'))).toEqual([
      {
        file: 'ovrseer.yml',
        line: 1,
        column: 1,
        path: 'services',
        message: 'use either processes: or services:, not both',
      },
    ]);
  });

  it('neither processes: nor services:', () => {
    expect(parseIssues(lines('name: shop'))).toEqual([
      {
        file: 'ovrseer.yml',
        line: 1,
        column: 1,
        path: 'processes',
        message: "missing required key 'processes'",
      },
    ]);
  });
});
