import { writeFileSync } from 'node:fs';
import { cpus as cpuCount } from 'node:os';
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../config/helpers.js';
import { IMPORT_FIXTURES, importFile, load, proc, tempDir } from './helpers.js';

const DIR = `${IMPORT_FIXTURES}pm2`;

describe('pm2 ecosystem import', () => {
  const spec = load(DIR, 'ecosystem.config.js');

  it('loads a CommonJS ecosystem.config.js; each app is a process (names made valid)', () => {
    expect(spec.processes.map((p) => p.name)).toEqual(['api', 'worker-v2', 'scheduler']);
  });

  it('script, node_args and args (split like a shell) become an argv; cwd is kept', () => {
    expect(proc(spec, 'api')).toMatchObject({
      command: {
        kind: 'argv',
        argv: ['node', '--enable-source-maps', './dist/server.js', '--port', '3000', '--log', 'debug mode'],
      },
      cwd: `${DIR}/services/api`,
      env: { NODE_ENV: 'development', PORT: '3000' },
    });
    expect(proc(spec, 'worker-v2').command).toEqual({ kind: 'argv', argv: ['python3', 'worker.py'] });
    // A whole command line in script runs in the shell.
    expect(proc(spec, 'scheduler').command).toEqual({
      kind: 'shell',
      script: 'npm run scheduler',
      shell: 'bash',
    });
  });

  it('instances, restart settings, memory limit, watch, cron, kill_timeout, namespace', () => {
    expect(proc(spec, 'api')).toMatchObject({
      replicas: 2,
      restart: {
        policy: 'always',
        // pm2's unstable restarts: runs under min_uptime, within min_uptime × max_restarts of the start.
        maxRetries: null,
        crashLoop: { maxCrashes: 10, window: 100_000, shorterThan: 10_000, windowFrom: 'first-start' },
        // The exponential delay starts over after 30 s up.
        minUptime: 30_000,
        resetAfter: 30_000,
        delay: 100,
        backoff: 1.5,
        maxDelay: 15_000,
      },
      limits: { memory: 300 * 1024 * 1024 },
      stop: { signal: 'SIGINT', timeout: 3000 },
      instanceVars: { NODE_APP_INSTANCE: 0 },
    });
    expect(proc(spec, 'worker-v2')).toMatchObject({
      restart: { policy: 'no' },
      watch: { paths: [`${DIR}/src`, `${DIR}/config`], ignore: ['node_modules'] },
      cronRestart: '0 4 * * *',
      group: 'jobs',
    });
    expect(proc(spec, 'scheduler').restart).toMatchObject({
      policy: 'on-failure',
      exitCodes: [0],
      delay: 5000,
      backoff: 1,
      minUptime: 1000,
      crashLoop: { maxCrashes: 16, window: 16_000, shorterThan: 1000, windowFrom: 'first-start' },
    });
    expect(proc(spec, 'scheduler').stop).toMatchObject({ signal: 'SIGINT', timeout: 1600 });
  });

  it('--env NAME merges env_NAME over env, as pm2 start --env does', () => {
    const production = load(DIR, 'ecosystem.config.js', { envName: 'production' });
    expect(proc(production, 'api').env).toEqual({
      NODE_ENV: 'production',
      PORT: '3000',
      API_URL: 'https://api.example.com',
    });
    expect(issuesOf(() => load(DIR, 'ecosystem.config.js', { envName: 'staging' }))[0]?.message).toMatch(
      /^--env staging: no .env.staging or .env.staging.local in .*, and no environments.staging in ecosystem.config.js \(environments: production\)$/,
    );
  });

  it('lists what it does not translate; env_<name> is translated (as an environment)', () => {
    const { imported } = importFile(DIR, 'ecosystem.config.js');
    expect(imported.notTranslated.map((note) => note.key)).toEqual([
      'deploy',
      'apps[0].exec_mode',
      'apps[0].error_file',
      'apps[0].out_file',
      'apps[0].wait_ready',
      'apps[1].name',
    ]);
    expect(imported.environments).toEqual({
      production: {
        processes: { api: { env: { NODE_ENV: 'production', API_URL: 'https://api.example.com' } } },
      },
    });
  });

  it('loads an ES module (export default) and JSON, with positions for JSON', () => {
    expect(load(DIR, 'ecosystem.esm.config.mjs').processes[0]).toMatchObject({
      name: 'web',
      env: { PORT: '8080' },
    });
    expect(issuesOf(() => load(DIR, 'ecosystem.config.json'))).toEqual([
      {
        file: 'ecosystem.config.json',
        line: 2,
        column: 65,
        path: 'apps[0].instances',
        message: 'expected a number or "max", got "two"',
      },
    ]);
  });

  it('instances: "max" is the CPU count, -1 one less', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': `module.exports = { apps: [{ name: 'a', script: 'a.js', instances: 'max' }, { name: 'b', script: 'b.js', instances: -1 }] };`,
    });
    const cpus = cpuCount().length;
    const scaled = load(dir, 'ecosystem.config.cjs');
    expect([proc(scaled, 'a').replicas, proc(scaled, 'b').replicas]).toEqual([cpus, Math.max(1, cpus - 1)]);
  });

  it('a file that throws is a config error that says so, at the line that threw', () => {
    const dir = tempDir({ 'ecosystem.config.cjs': "const x = 1;\nthrow new Error('no config for you');\n" });
    expect(issuesOf(() => load(dir, 'ecosystem.config.cjs'))).toEqual([
      {
        file: 'ecosystem.config.cjs',
        line: 2,
        column: 7,
        path: '',
        message: 'loading the pm2 ecosystem file failed: no config for you',
      },
    ]);
  });

  it('a file without apps is an error that says so', () => {
    const dir = tempDir({ 'ecosystem.config.cjs': 'module.exports = { app: [] };\n' });
    const message = 'expected module.exports = { apps: [{ name, script, … }] } (or one app: { script, … })';
    expect(issuesOf(() => load(dir, 'ecosystem.config.cjs'))).toEqual([
      { file: 'ecosystem.config.cjs', line: null, column: null, path: '', message },
    ]);
    const wrong = tempDir({ 'ecosystem.config.cjs': 'module.exports = 42;\n' });
    expect(issuesOf(() => load(wrong, 'ecosystem.config.cjs'))[0]?.message).toBe(message);
  });

  it('reads the file afresh each time', () => {
    const dir = tempDir({
      'ecosystem.config.cjs': "module.exports = { apps: [{ name: 'one', script: 'a.js' }] };",
    });
    expect(load(dir, 'ecosystem.config.cjs').processes[0]?.name).toBe('one');
    writeFileSync(
      `${dir}/ecosystem.config.cjs`,
      "module.exports = { apps: [{ name: 'two', script: 'a.js' }] };",
    );
    expect(load(dir, 'ecosystem.config.cjs').processes[0]?.name).toBe('two');
  });
});
