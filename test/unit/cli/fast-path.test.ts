import { describe, expect, it } from 'vitest';
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
