import { describe, expect, it } from 'vitest';
import { exportProject } from '../../../src/export/index.js';
import { fileOf, OPTIONS, shopSpec, specFrom } from './helpers.js';

/** `{program: {key: value}}` from the conf text. */
function programs(text: string): Map<string, Map<string, string>> {
  const result = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of text.split('\n')) {
    const section = /^\[(?:program|group):(.+)\]$/.exec(line);
    if (section?.[1] !== undefined) {
      current = new Map();
      result.set(section[1], current);
    } else if (current !== undefined && line.includes('=') && !line.startsWith(';')) {
      const eq = line.indexOf('=');
      current.set(line.slice(0, eq), line.slice(eq + 1));
    }
  }
  return result;
}

async function confOf(yaml: string): Promise<{ conf: Map<string, Map<string, string>>; notes: string[] }> {
  const result = await exportProject(specFrom(yaml), 'supervisord', OPTIONS);
  return {
    conf: programs(fileOf(result, 'p.conf')),
    notes: result.notTranslated.map((note) => `${note.key}: ${note.reason}`),
  };
}

describe('supervisord conf', () => {
  it('starts in dependency order: dependencies get the lowest priority, dependents and cleanups the highest', async () => {
    const result = await exportProject(shopSpec(), 'supervisord', OPTIONS);
    const conf = programs(fileOf(result, 'shop.conf'));
    const priority = (name: string) => Number(conf.get(name)?.get('priority'));
    expect(priority('db')).toBeLessThan(priority('migrate'));
    expect(priority('migrate')).toBeLessThan(priority('api'));
    expect(priority('cache')).toBeLessThan(priority('api'));
    expect(priority('api')).toBeLessThan(priority('worker'));
    expect(priority('worker')).toBeLessThan(priority('migrate-cleanup'));
    expect(conf.get('migrate-cleanup')?.get('autostart')).toBe('false');
    expect(conf.get('shop')?.get('programs')).toBe('db,cache,migrate,api,worker,migrate-cleanup');
  });

  it('runs replicas with numprocs, each with its PORT and PS', async () => {
    const { conf } = await confOf(`
version: 1
name: p
processes:
  web: { command: [node, server.js, --port, "\${PORT}"], port: 4000, replicas: 3 }
  jobs: { command: ./jobs --id $PS, replicas: 2 }
`);
    const web = conf.get('web');
    expect(web?.get('numprocs')).toBe('3');
    expect(web?.get('numprocs_start')).toBe('1');
    expect(web?.get('process_name')).toBe('%(program_name)s-%(process_num)d');
    expect(web?.get('command')).toBe(
      `/bin/sh -c 'PORT=$((4000 + %(process_num)d - 1)); export PORT; exec node server.js --port "$PORT"'`,
    );
    expect(web?.get('environment')).toBe('PS="web.%(process_num)d"');
    expect(conf.get('jobs')?.get('command')).toBe(`/bin/sh -c './jobs --id $PS'`);
    expect(conf.get('jobs')?.get('stdout_logfile')).toBe('/var/log/supervisor/p-jobs-%(process_num)d.log');
  });

  it('maps restart, stop and log settings', async () => {
    const { conf, notes } = await confOf(`
version: 1
name: p
processes:
  a:
    command: ./a
    restart: { policy: on-failure, exit_codes: [0, 2], min_uptime: 3s, crash_loop: { max_crashes: 3, window: 1m } }
    stop: { signal: SIGUSR2, timeout: 1500ms }
    log: { max_size: 1MB, keep: 2 }
  b:
    command: ./b
    restart: { policy: always, crash_loop: false, max_retries: 7 }
    stop: { signal: SIGWINCH }
    log: { file: false }
  t: { type: task, command: ./t }
`);
    const a = conf.get('a');
    expect(a?.get('autorestart')).toBe('unexpected');
    expect(a?.get('exitcodes')).toBe('0,2');
    expect(a?.get('startsecs')).toBe('3');
    expect(a?.get('startretries')).toBe('2');
    expect(a?.get('stopsignal')).toBe('USR2');
    expect(a?.get('stopwaitsecs')).toBe('2');
    expect(a?.get('stopasgroup')).toBe('true');
    expect(a?.get('killasgroup')).toBe('true');
    expect(a?.get('stdout_logfile_maxbytes')).toBe(String(1024 * 1024));
    expect(a?.get('stdout_logfile_backups')).toBe('2');
    const b = conf.get('b');
    expect(b?.get('autorestart')).toBe('true');
    expect(b?.get('startretries')).toBe('7');
    expect(b?.get('stopsignal')).toBe('TERM');
    expect(b?.get('stdout_logfile')).toBe('AUTO');
    expect(notes).toContain('processes.b.stop.signal: supervisord cannot send SIGWINCH; it sends TERM');
    expect(conf.get('t')?.get('startsecs')).toBe('0');
    expect(conf.get('t')?.get('autorestart')).toBe('false');
  });

  it('quotes environment values as supervisord reads them, and notes those it cannot hold', async () => {
    const { conf, notes } = await confOf(`
version: 1
name: p
processes:
  a:
    command: ./a
    env: { PLAIN: "x, y", QUOTE: 'say "hi" now', APOS: "it's", BOTH: "it's \\"both\\"", PCT: "100%", NL: "a\\nb" }
`);
    expect(conf.get('a')?.get('environment')).toBe(
      `PLAIN="x, y",QUOTE='say "hi" now',APOS="it's",PCT="100%%",PS="a"`,
    );
    expect(notes).toContain(
      'processes.a.env.BOTH: supervisord cannot hold this value in environment= (quotes or newlines)',
    );
    expect(notes).toContain(
      'processes.a.env.NL: supervisord cannot hold this value in environment= (quotes or newlines)',
    );
  });
});
