import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectJsonSchema } from '../../../src/config/json-schema.js';

describe('schema.json (shipped in the package for editors)', () => {
  it('is what `ovrseer schema` prints (regenerate: npm run schema:write)', () => {
    const shipped: unknown = JSON.parse(
      readFileSync(new URL('../../../schema.json', import.meta.url), 'utf8'),
    );
    expect(shipped).toEqual(projectJsonSchema());
  });

  it('is listed in package.json files', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      files: string[];
    };
    expect(pkg.files).toContain('schema.json');
  });
});
