import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { filterChoices, matchesFilter, statusCounts, visibleRows } from '../../../src/tui/rows.js';
import { compileSearch, highlight } from '../../../src/tui/search.js';
import { row } from './fake-source.js';

const rows = [
  row({ name: 'web', status: 'ready', cpu: 5, memory: 100, group: 'front', tags: ['http'] }),
  row({ name: 'db', status: 'failed', cpu: null, memory: null, tags: ['data'] }),
  row({ name: 'api', status: 'running', cpu: 40, memory: 300, group: 'front', tags: ['http', 'data'] }),
];

describe('rows', () => {
  it('sorts by name, status (problems first), CPU and memory (highest first)', () => {
    const names = (sort: Parameters<typeof visibleRows>[2]): string[] =>
      visibleRows(rows, null, sort).map((r) => r.name);
    expect(names('config')).toEqual(['web', 'db', 'api']);
    expect(names('name')).toEqual(['api', 'db', 'web']);
    expect(names('status')).toEqual(['db', 'api', 'web']);
    expect(names('cpu')).toEqual(['api', 'web', 'db']);
    expect(names('memory')).toEqual(['api', 'web', 'db']);
  });

  it('filters by group or tag and offers each one once', () => {
    expect(filterChoices(rows)).toEqual(['group:front', 'tag:http', 'tag:data']);
    expect(visibleRows(rows, 'tag:data', 'config').map((r) => r.name)).toEqual(['db', 'api']);
    expect(matchesFilter(rows[0] as never, 'group:back')).toBe(false);
    expect(statusCounts(rows)).toEqual([
      ['failed', 1],
      ['running', 1],
      ['ready', 1],
    ]);
  });
});

describe('search', () => {
  const c = pc.createColors(true);

  it('ignores case when the text is all lower case, and takes invalid regexes literally', () => {
    expect(compileSearch('error')?.matcher.test('ERROR here')).toBe(true);
    expect(compileSearch('Error')?.ignoreCase).toBe(false);
    expect(compileSearch('a(b')).toMatchObject({ fixed: true });
    expect(compileSearch('a(b')?.matcher.test('xa(by')).toBe(true);
    expect(compileSearch('')).toBeNull();
  });

  it('highlights every match, dropping the line own colours only when it matched', () => {
    const pattern = compileSearch('o') as NonNullable<ReturnType<typeof compileSearch>>;
    expect(highlight('foo', pattern.matcher, c)).toEqual({
      text: `f${c.bgYellow(c.black('o'))}${c.bgYellow(c.black('o'))}`,
      matched: true,
    });
    expect(highlight('\u001b[31mxo\u001b[39m', pattern.matcher, c).text).toBe(`x${c.bgYellow(c.black('o'))}`);
    expect(highlight('\u001b[31mxyz\u001b[39m', pattern.matcher, c)).toEqual({
      text: '\u001b[31mxyz\u001b[39m',
      matched: false,
    });
    const empty = compileSearch('q*') as NonNullable<ReturnType<typeof compileSearch>>;
    expect(highlight('abc', empty.matcher, c).matched).toBe(false);
  });
});
