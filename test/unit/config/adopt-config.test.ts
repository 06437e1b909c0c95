import { describe, expect, it } from 'vitest';
import { parse, parseIssues, processOf } from './helpers.js';

describe('adopt: in the config', () => {
  it('a pidfile is resolved against the config folder; a match is kept as written', () => {
    const spec = parse(`
processes:
  db: { command: postgres, adopt: { pidfile: run/db.pid } }
  cache: { command: redis-server, adopt: { match: "^redis-server .*:6379" } }
  web: { command: npm start }
`);
    expect(processOf(spec, 'db').adopt).toEqual({ pidfile: '/srv/shop/run/db.pid' });
    expect(processOf(spec, 'cache').adopt).toEqual({ match: '^redis-server .*:6379' });
    expect(processOf(spec, 'web').adopt).toBeNull();
  });

  it('refuses replicas, both keys at once, and a regex RE2 cannot run — with the key and the line', () => {
    const replicas = parseIssues(
      'processes:\n  w:\n    command: w\n    replicas: 2\n    adopt: { pidfile: w.pid }\n',
    );
    expect(replicas.map((issue) => [issue.line, issue.message])).toEqual([
      [5, 'w: adopt takes over one running process; remove "adopt" or set replicas to 1 (it is 2)'],
    ]);
    const both = parseIssues('processes:\n  w:\n    command: w\n    adopt: { pidfile: w.pid, match: w }\n');
    expect(both[0]?.message).toContain('expected {pidfile: PATH} or {match: "regex over the command line"}');
    const regex = parseIssues('processes:\n  w:\n    command: w\n    adopt: { match: "(a" }\n');
    expect(regex[0]?.line).toBe(4);
  });
});
