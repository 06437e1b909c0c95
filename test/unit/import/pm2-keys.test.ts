import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcessInput } from '../../../src/config/input.js';
import type { ImportOutcome } from '../../../src/config/load-import.js';
import { importFile, tempDir } from './helpers.js';

const processes = (outcome: ImportOutcome): ProcessInput[] => outcome.imported.processes;
const one = (outcome: ImportOutcome, name: string): ProcessInput => {
  const found = processes(outcome).find((p) => p.name === name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
};
const notes = (outcome: ImportOutcome) => outcome.imported.notTranslated.map((n) => n.key);

describe('pm2 files: where the apps are and how the file is read', () => {
  it('a .json process file is JavaScript, as pm2 evaluates it: comments and expressions work', () => {
    const dir = tempDir({
      'process.json': `{
        // pm2 runs this through vm.runInThisContext
        apps: [{ name: 'web', script: 'server.js', env: { PORT: 3000 + 1 } },],
      }`,
    });
    expect(one(importFile(dir, 'process.json'), 'web').env).toMatchObject({ PORT: '3001' });
  });

  it('YAML ecosystem files, the pm2 key, a top-level list and a single app', () => {
    const dir = tempDir({
      'ecosystem.yml': 'apps:\n  - name: web\n    script: server.js\n',
      'pm2.json': '{"pm2": [{"name": "a", "script": "a.js"}]}',
      'list.json': '[{"name": "b", "script": "b.js"}]',
      'single.json': '{"script": "worker.js"}',
    });
    expect(processes(importFile(dir, 'ecosystem.yml')).map((p) => p.name)).toEqual(['web']);
    expect(processes(importFile(dir, 'pm2.json')).map((p) => p.name)).toEqual(['a']);
    expect(processes(importFile(dir, 'list.json')).map((p) => p.name)).toEqual(['b']);
    expect(processes(importFile(dir, 'single.json')).map((p) => p.name)).toEqual(['worker']);
  });
});

describe('pm2 app keys', () => {
  it('NODE_APP_INSTANCE from 0 for every app; instance_var renames it; increment_var counts from env', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [
        { name: 'a', script: 'a.js', instances: 3, increment_var: 'PORT', env: { PORT: 8000 } },
        { name: 'b', script: 'b.js', instance_var: 'INSTANCE_ID' },
        { name: 'c', script: 'c.js', increment_var: 'SLOT' },
      ] };`,
    });
    const out = importFile(dir, 'ecosystem.config.cjs');
    expect(one(out, 'a')).toMatchObject({ replicas: 3, instanceVars: { NODE_APP_INSTANCE: 0, PORT: 8000 } });
    expect(one(out, 'b').instanceVars).toEqual({ INSTANCE_ID: 0 });
    expect(one(out, 'c').instanceVars).toEqual({ NODE_APP_INSTANCE: 0, SLOT: 0 });
  });

  it('increment_var starts from the env chosen by --env', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [{ name: 'a', script: 'a.js', increment_var: 'PORT',
        env: { PORT: 8000 }, env_production: { PORT: 9000 } }] };`,
    });
    expect(one(importFile(dir, 'ecosystem.config.cjs', { envName: 'production' }), 'a').instanceVars).toEqual(
      {
        NODE_APP_INSTANCE: 0,
        PORT: 9000,
      },
    );
  });

  it('name: the script base name up to its last dot; append_env_to_name adds -<env>', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [
        { script: 'lib/app.worker.js' },
        { name: 'api', script: 'api.js', append_env_to_name: true, env_staging: {} },
      ] };`,
    });
    expect(processes(importFile(dir, 'ecosystem.config.cjs')).map((p) => p.name)).toEqual([
      'app-worker',
      'api',
    ]);
    expect(
      processes(importFile(dir, 'ecosystem.config.cjs', { envName: 'staging' })).map((p) => p.name),
    ).toEqual(['app-worker', 'api-staging']);
  });

  it('port sets PORT; autostart: false is a disabled process; cron_restart 0 is none', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [
        { name: 'a', script: 'a.js', port: 4000, autostart: false, cron_restart: 0 },
      ] };`,
    });
    const a = one(importFile(dir, 'ecosystem.config.cjs'), 'a');
    expect(a).toMatchObject({ env: { PORT: '4000' }, disabled: true });
    expect(a.cronRestart).toBeUndefined();
  });

  it('stop: SIGINT, then SIGKILL after kill_timeout (1600 ms by default)', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [{ name: 'a', script: 'a.js' }, { name: 'b', script: 'b.js', kill_timeout: 5000 }] };`,
    });
    const out = importFile(dir, 'ecosystem.config.cjs');
    expect(one(out, 'a').stop).toEqual({ signal: 'SIGINT', timeout: 1600 });
    expect(one(out, 'b').stop).toEqual({ signal: 'SIGINT', timeout: 5000 });
  });

  it('restart: no delay by default; max_restarts 0 gives up at once; exp backoff wins over restart_delay', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [
        { name: 'a', script: 'a.js' },
        { name: 'b', script: 'b.js', max_restarts: 0 },
        { name: 'c', script: 'c.js', restart_delay: 60000, exp_backoff_restart_delay: 200 },
        { name: 'd', script: 'd.js', restart_delay: 60000 },
      ] };`,
    });
    const out = importFile(dir, 'ecosystem.config.cjs');
    expect(one(out, 'a').restart).toMatchObject({ policy: 'always', delay: 0, backoff: 1, maxRetries: null });
    expect(one(out, 'b').restart).toMatchObject({ maxRetries: 0, crashLoop: null });
    expect(one(out, 'c').restart).toMatchObject({ delay: 200, backoff: 1.5, maxDelay: 15_000 });
    expect(one(out, 'd').restart).toMatchObject({ delay: 60_000, backoff: 1, maxDelay: 60_000 });
  });

  it('interpreter by extension (interpreter.json), a binary runs itself, other files run with node', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [
        { name: 'sh', script: 'job.sh', args: ['a b', 'c'] },
        { name: 'py', script: 'job.py' },
        { name: 'bin', script: 'tool' },
        { name: 'text', script: 'runner' },
        { name: 'none', script: 'job.sh', interpreter: 'none', interpreter_args: '--x' },
        { name: 'line', script: 'echo hi there', args: 'ignored' },
      ] };`,
      tool: '\x7fELF\x02\x01\x01\x00\x00\x00',
      runner: 'console.log("hi")\n',
      'job.sh': 'echo\n',
    });
    chmodSync(join(dir, 'tool'), 0o755);
    const bin = join(dir, 'bin');
    writeFileSync(join(dir, 'python3'), '');
    const out = importFile(dir, 'ecosystem.config.cjs', { shell: { PATH: `${bin}:${dir}` } });
    expect(one(out, 'sh').command).toEqual({ kind: 'argv', argv: ['bash', 'job.sh', 'a b', 'c'] });
    // pm2 takes python3 when there is no python on PATH, and sets PYTHONUNBUFFERED.
    expect(one(out, 'py')).toMatchObject({
      command: { kind: 'argv', argv: ['python3', 'job.py'] },
      env: { PYTHONUNBUFFERED: '1' },
    });
    expect(one(out, 'bin').command).toEqual({ kind: 'argv', argv: ['./tool'] });
    expect(one(out, 'text').command).toEqual({ kind: 'argv', argv: ['node', 'runner'] });
    expect(one(out, 'none').command).toEqual({ kind: 'argv', argv: ['./job.sh'] });
    expect(one(out, 'line')).toMatchObject({
      command: { kind: 'shell', script: 'echo hi there' },
      shell: 'bash',
    });
    expect(notes(out)).toContain('apps[5].args');
  });

  it('watch: pm2 ignores dotfiles and node_modules unless ignore_watch is given; no delay by default', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [{ name: 'a', script: 'a.js', watch: true }, { name: 'b', script: 'b.js', watch: ['src'], ignore_watch: 'tmp', watch_delay: 500 }] };`,
    });
    const out = importFile(dir, 'ecosystem.config.cjs');
    expect(one(out, 'a').watch).toEqual({ ignore: ['**/.*', '**/.*/**', '**/node_modules/**'], debounce: 0 });
    expect(one(out, 'b').watch).toEqual({ paths: ['src'], ignore: ['tmp'], debounce: 500 });
  });

  it('every other pm2 key is listed with its reason', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [{ name: 'a', script: 'a.js', merge_logs: true, log_date_format: 'YYYY', pid_file: 'a.pid', source_map_support: true, vizion: false, post_update: ['npm i'], force: true, treekill: false, shutdown_with_message: true, listen_timeout: 100, wait_ready: true, filter_env: true, exec_mode: 'cluster' }] };`,
    });
    const out = importFile(dir, 'ecosystem.config.cjs');
    const reasons = Object.fromEntries(
      out.imported.notTranslated.map((n) => [n.key.replace('apps[0].', ''), n.reason]),
    );
    expect(Object.keys(reasons).sort()).toEqual(
      [
        'exec_mode',
        'filter_env',
        'force',
        'listen_timeout',
        'log_date_format',
        'merge_logs',
        'pid_file',
        'post_update',
        'shutdown_with_message',
        'source_map_support',
        'treekill',
        'vizion',
        'wait_ready',
      ].sort(),
    );
    expect(reasons.wait_ready).toMatch(/^not supported: ovrseer gives a process no IPC channel/);
    expect(Object.values(reasons).every((reason) => reason !== 'not a pm2 key ovrseer knows')).toBe(true);
  });
});
