import { describe, expect, it } from 'vitest';
import { fastCommand } from '../../../src/cli/fast-args.js';
import { parsePsOptions } from '../../../src/cli/fast-path.js';

describe('parsePsOptions', () => {
  it('accepts --json and the config file in the forms commander accepts', () => {
    expect(parsePsOptions([])).toEqual({});
    expect(parsePsOptions(['--json'])).toEqual({ json: true });
    expect(parsePsOptions(['-f', 'a.yml', '--json'])).toEqual({ file: 'a.yml', json: true });
    expect(parsePsOptions(['--file', 'a.yml'])).toEqual({ file: 'a.yml' });
    expect(parsePsOptions(['--file=a.yml'])).toEqual({ file: 'a.yml' });
  });

  it('leaves everything else to commander (help, mistakes, missing values)', () => {
    expect(parsePsOptions(['--help'])).toBeNull();
    expect(parsePsOptions(['--jsn'])).toBeNull();
    expect(parsePsOptions(['-f'])).toBeNull();
    expect(parsePsOptions(['-f', '--json'])).toBeNull();
    expect(parsePsOptions(['--file='])).toBeNull();
    expect(parsePsOptions(['api'])).toBeNull();
  });
});

describe('fastCommand: the command lines the code-cached bundle answers', () => {
  it('validate with -f and --env, as commander hands them to runValidate', () => {
    expect(fastCommand(['validate'])).toEqual({ kind: 'validate', options: {} });
    expect(fastCommand(['validate', '-f', 'a.yml', '--env=prod'])).toEqual({
      kind: 'validate',
      options: { file: 'a.yml', env: 'prod' },
    });
    expect(fastCommand(['validate', '--env', 'prod', '--file', 'b.yml'])).toEqual({
      kind: 'validate',
      options: { file: 'b.yml', env: 'prod' },
    });
  });

  it('up -d / --detach / --wait with names, -f and --env', () => {
    expect(fastCommand(['up', '-d'])).toEqual({ kind: 'up-detached', names: [], options: { detach: true } });
    expect(fastCommand(['up', 'api', '--detach', 'web', '-f', 'x.yml'])).toEqual({
      kind: 'up-detached',
      names: ['api', 'web'],
      options: { file: 'x.yml', detach: true },
    });
    expect(fastCommand(['up', '--wait', '--env', 'ci'])).toEqual({
      kind: 'up-detached',
      names: [],
      options: { env: 'ci', wait: true },
    });
  });

  it('leaves to commander: help, unknown or repeated options, the foreground, `--`, values that look like options', () => {
    for (const argv of [
      ['validate', '--help'],
      ['validate', 'extra'],
      ['validate', '-f'],
      ['validate', '-f', '--env'],
      ['validate', '--file='],
      ['validate', '-f', 'a.yml', '-f', 'b.yml'],
      ['up'],
      ['up', 'api'],
      ['up', '-d', '--no-deps'],
      ['up', '-d', '-p', '5000'],
      ['up', '-d', '--', 'api'],
      ['up', '-dw'],
      ['up', '-d', '--detach'],
      ['up', '-d', '--wait=yes'],
      ['up', '-d', ''],
      ['ps', 'api'],
      ['logs', '-f'],
      ['--version', 'x'],
      [],
    ]) {
      expect([argv, fastCommand(argv)]).toEqual([argv, null]);
    }
    expect(fastCommand(['--version'])).toEqual({ kind: 'version' });
    expect(fastCommand(['-V'])).toEqual({ kind: 'version' });
  });
});
