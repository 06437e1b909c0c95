import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runInit } from '../../../src/cli/commands/init.js';
import { loadProject } from '../../../src/config/load.js';
import { parseProjectText } from '../../../src/config/load-yaml.js';
import { issuesOf } from '../config/helpers.js';
import { tempDir } from './helpers.js';

const PROCFILES = {
  Procfile: 'web: run-web\nworker: run-worker\n',
  'Procfile.dev': 'web: run-dev-web\nworker: run-dev-worker\n',
  'other.env': 'FROM=other\n',
  '.env': 'FROM=dotenv\n',
};

describe(".foreman: foreman's defaults file", () => {
  it('names the Procfile, the base port, the formation, the env files and the stop timeout', () => {
    const dir = tempDir({
      ...PROCFILES,
      '.foreman':
        'procfile: Procfile.dev\nport: 6000\nformation: web=2,worker=1\nenv: other.env\ntimeout: 2\n',
    });
    const spec = loadProject({ cwd: dir, env: {} });
    expect(spec.file?.endsWith('Procfile.dev')).toBe(true);
    const web = spec.processes.find((p) => p.name === 'web');
    expect(web).toMatchObject({ replicas: 2, port: 6000, stop: { signal: 'SIGTERM', timeout: 2000 } });
    expect(web?.env.FROM).toBe('other');
    expect(spec.processes.find((p) => p.name === 'worker')?.port).toBe(6100);
  });

  it('the command line wins; without .foreman the stop timeout is foreman 5 s', () => {
    const dir = tempDir({ ...PROCFILES, '.foreman': 'port: 6000\nformation: web=2\n' });
    const spec = loadProject({ cwd: dir, env: {}, file: 'Procfile', port: 7000, formation: 'all=1' });
    expect(spec.processes.map((p) => [p.name, p.port, p.replicas])).toEqual([
      ['web', 7000, 1],
      ['worker', 7100, 1],
    ]);
    const plain = loadProject({ cwd: tempDir(PROCFILES), env: {} });
    expect(plain.processes[0]?.stop.timeout).toBe(5000);
  });

  it('applies to Procfiles only, and an ovrseer.yml here comes before its procfile', () => {
    const dir = tempDir({
      ...PROCFILES,
      '.foreman': 'procfile: Procfile.dev\nport: 6000\n',
      'ovrseer.yml': 'processes:\n  api: { command: run-api }\n',
    });
    expect(loadProject({ cwd: dir, env: {} }).processes.map((p) => [p.name, p.port])).toEqual([
      ['api', null],
    ]);
  });

  it('refuses root (foreman -d) and unknown keys, at their line', () => {
    const dir = tempDir({ ...PROCFILES, '.foreman': 'port: 6000\nroot: /srv/app\n' });
    expect(issuesOf(() => loadProject({ cwd: dir, env: {} }))).toEqual([
      expect.objectContaining({
        file: '.foreman',
        line: 2,
        message: expect.stringContaining('root (foreman -d) is not supported'),
      }),
    ]);
    const typo = tempDir({ ...PROCFILES, '.foreman': 'portt: 6000\n' });
    expect(issuesOf(() => loadProject({ cwd: typo, env: {} }))[0]?.message).toContain("did you mean 'port'");
  });

  it('init writes what up -f Procfile runs with it', () => {
    const dir = tempDir({ ...PROCFILES, '.foreman': 'port: 6000\nformation: web=2,worker=0\ntimeout: 3\n' });
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    expect(runInit({ cwd: dir, env: {}, out, err: new PassThrough(), stdout: true, from: 'Procfile' })).toBe(
      0,
    );
    const written = parseProjectText(text, { file: 'ovrseer.yml', dir, env: {} }).processes;
    const direct = loadProject({ cwd: dir, env: {}, file: 'Procfile' }).processes;
    expect(written).toEqual(direct);
    expect(direct.map((p) => [p.name, p.port, p.replicas, p.disabled, p.stop.timeout])).toEqual([
      ['web', 6000, 2, false, 3000],
      ['worker', 6100, 1, true, 3000],
    ]);
  });
});

describe("a Procfile's .env lines foreman skips", () => {
  it('are skipped, and said as warnings of the run (validate and up print them)', () => {
    const dir = tempDir({ Procfile: 'web: run-web\n', '.env': 'A=1\nexport B=2\n' });
    const spec = loadProject({ cwd: dir, env: {} });
    expect(spec.processes[0]?.env).toMatchObject({ A: '1' });
    expect(spec.processes[0]?.env.B).toBeUndefined();
    expect(spec.warnings?.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual([
      expect.stringMatching(/^\.env:2: "export B=2" is not a NAME=value line foreman reads/),
    ]);
  });
});

describe('--profile outside a compose file', () => {
  it('is a usage error that says how to start a disabled process', () => {
    const dir = tempDir({ 'ovrseer.yml': 'processes:\n  tools: { command: x, disabled: true }\n' });
    expect(() => loadProject({ cwd: dir, env: {}, profiles: ['debug'] })).toThrow(
      /--profile selects docker compose profiles; ovrseer.yml has none: start a disabled process by its name \(ovrseer up NAME\)/,
    );
  });
});
