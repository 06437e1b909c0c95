// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIssues, parse as parseText, processOf } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-env-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): void {
  writeFileSync(join(dir, name), text);
}

const parse = (text: string, options: { env?: NodeJS.ProcessEnv; envName?: string } = {}) =>
  parseText(text, { ...options, dir });

describe('env precedence', () => {
  it('env files, then top-level env, then the process env_file, then its env', () => {
    write('.env', 'A=file\nB=file\nC=file\nD=file\nONLY_FILE=1\n');
    write('.env.local', 'A=local\n');
    write('api.env', 'C=process-file\nD=process-file\n');
    const spec = parse(
      [
        'env_file: [.env, .env.local]',
        'env: { B: top, C: top, D: top, NUM: 8080, FLAG: true, NOTHING: null }',
        'processes:',
        '  api:',
        '    command: x',
        '    env_file: api.env',
        '    env: { D: process }',
        '  other:',
        '    command: y',
      ].join('\n'),
    );
    expect(processOf(spec, 'api').env).toEqual({
      A: 'local',
      B: 'top',
      C: 'process-file',
      D: 'process',
      ONLY_FILE: '1',
      NUM: '8080',
      FLAG: 'true',
      NOTHING: '',
    });
    expect(processOf(spec, 'other').env).toEqual({
      A: 'local',
      B: 'top',
      C: 'top',
      D: 'top',
      ONLY_FILE: '1',
      NUM: '8080',
      FLAG: 'true',
      NOTHING: '',
    });
  });

  it('env_file as a single string; missing files are skipped ("loaded if present")', () => {
    write('.env', 'X=1\n');
    expect(processOf(parse('env_file: .env\nprocesses:\n  a: { command: x }\n'), 'a').env).toEqual({
      X: '1',
    });
    const spec = parse(
      'env_file: [.env.absent, .env]\nprocesses:\n  a: { command: x, env_file: [nope.env] }\n',
    );
    expect(processOf(spec, 'a').env).toEqual({ X: '1' });
  });

  it("env_file entries {path, required, format}: another tool's rules, and a missing required file is an error", () => {
    write('.env', 'NOTE=kept # foreman keeps it\nexport SKIPPED=1\n');
    write('api.env', 'COMPOSED=${UNSET:-default}\n');
    write('raw.env', 'RAW=${UNSET:-default}\n');
    const spec = parse(
      [
        'env_file: {path: .env, format: foreman}',
        'processes:',
        '  api: { command: x, env_file: [{path: api.env, format: compose}, {path: raw.env, format: raw}] }',
      ].join('\n'),
    );
    expect(processOf(spec, 'api').env).toEqual({
      NOTE: 'kept # foreman keeps it',
      COMPOSED: 'default',
      RAW: '${UNSET:-default}',
    });
    const project = parseIssues(
      'env_file: [{path: gone.env, required: true}]\nprocesses:\n  a: { command: x }\n',
      {
        dir,
      },
    );
    expect(project.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/"gone\.env" is required but .*gone\.env does not exist/),
    ]);
    const own = parseIssues('processes:\n  a: { command: x, env_file: {path: x.env, required: true} }\n', {
      dir,
    });
    expect(own.map((issue) => issue.message)).toEqual([expect.stringMatching(/"x\.env" is required/)]);
    expect(
      parseIssues('processes:\n  a: { command: x, env_file: {path: x.env, format: toml} }\n', { dir }),
    ).toEqual([expect.objectContaining({ path: 'processes.a.env_file.format' })]);
  });

  it('the shell wins over env files, in interpolation and in what processes get', () => {
    write('.env', 'HOST=from-file\nONLY_FILE=yes\n');
    write('a.env', 'HOST=process-file\n');
    const spec = parse(
      'env_file: .env\nprocesses:\n  a: { command: x, env_file: a.env, group: "${HOST}-${USER_NAME}" }\n',
      { env: { HOST: 'from-env', USER_NAME: 'me' } },
    );
    expect(processOf(spec, 'a').group).toBe('from-env-me');
    // Left out, so the process inherits the shell's value.
    expect(processOf(spec, 'a').env).toEqual({ ONLY_FILE: 'yes' });
  });

  it('env_override: true makes env files win over the shell', () => {
    write('.env', 'HOST=from-file\n');
    write('a.env', 'PROC=process-file\n');
    const spec = parse(
      'env_override: true\nenv_file: .env\nprocesses:\n  a: { command: x, env_file: a.env, group: "${HOST}" }\n',
      { env: { HOST: 'from-env', PROC: 'from-env' } },
    );
    expect(processOf(spec, 'a').group).toBe('from-file');
    expect(processOf(spec, 'a').env).toEqual({ HOST: 'from-file', PROC: 'process-file' });
  });

  it('a config env: value still wins over the shell (it is not a file)', () => {
    const spec = parse('env: { HOST: config }\nprocesses:\n  a: { command: x }\n', {
      env: { HOST: 'shell' },
    });
    expect(processOf(spec, 'a').env).toEqual({ HOST: 'config' });
  });

  it('env_file names are interpolated from the environment', () => {
    write('.env.staging', 'STAGE=yes\n');
    const spec = parse('env_file: ".env.${STAGE_NAME}"\nprocesses:\n  a: { command: x }\n', {
      env: { STAGE_NAME: 'staging' },
    });
    expect(processOf(spec, 'a').env).toEqual({ STAGE: 'yes' });
  });

  it('a process env_file does not feed interpolation', () => {
    write('a.env', 'SECRET=1\n');
    const issues = parseIssues('processes:\n  a: { command: x, env_file: a.env, group: "g${SECRET}" }\n', {
      dir,
    });
    expect(issues).toEqual([
      expect.objectContaining({
        line: 2,
        column: 46,
        message: expect.stringMatching(/^variable SECRET is not set/),
      }),
    ]);
  });
});

describe('--env NAME', () => {
  it('loads .env.NAME after the env files', () => {
    write('.env', 'MODE=dev\nKEEP=1\n');
    write('.env.production', 'MODE=production\n');
    const spec = parse('env_file: .env\nprocesses:\n  a: { command: x, group: "${MODE}" }\n', {
      envName: 'production',
    });
    expect(processOf(spec, 'a').env).toEqual({ MODE: 'production', KEEP: '1' });
    expect(processOf(spec, 'a').group).toBe('production');
  });

  it('is an error when neither .env.NAME, .env.NAME.local nor environments.NAME exist', () => {
    const issues = parseIssues('processes:\n  a: { command: x }\n', { envName: 'production', dir });
    expect(issues).toEqual([
      {
        file: 'ovrseer.yml',
        line: null,
        column: null,
        path: '',
        message: `--env production: no .env.production or .env.production.local in ${dir}, and no environments.production in ovrseer.yml`,
      },
    ]);
    const known = parseIssues('environments: { test: {} }\nprocesses:\n  a: { command: x }\n', {
      envName: 'prod',
      dir,
    });
    expect(known[0]?.message).toMatch(/no environments.prod in ovrseer.yml \(environments: test\)$/);
  });

  it('refuses names that are paths', () => {
    const issues = parseIssues('processes:\n  a: { command: x }\n', { envName: '../secrets', dir });
    expect(issues[0]?.message).toMatch(/^--env "..\/secrets": use a plain name/);
  });
});
