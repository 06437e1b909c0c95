import { describe, expect, it } from 'vitest';
import { LogStore } from '../../../src/logs/log-store.js';
import type { LogQuery } from '../../../src/logs/types.js';
import { LogWindow } from '../../../src/tui/log-window.js';
import { compileSearch } from '../../../src/tui/search.js';
import type { LogView } from '../../../src/tui/source.js';

function fill(store: LogStore, count: number, process = 'api', time = (i: number) => 1000 + i): void {
  for (let i = 0; i < count; i += 1) {
    store.append({ process, name: process, instance: null, stream: 'out', text: `line ${i}`, time: time(i) });
  }
}

/** A view that records every query, to check none reads the whole buffer. */
function spy(store: LogStore): { view: LogView; queries: LogQuery[] } {
  const queries: LogQuery[] = [];
  return {
    queries,
    view: {
      query: (query) => {
        queries.push(query);
        return store.query(query);
      },
      get lastSeq() {
        return store.lastSeq;
      },
    },
  };
}

const texts = (window: LogWindow, height: number): string[] =>
  window.lines(height).map((entry) => entry.text);

describe('LogWindow', () => {
  it('follows the end, reading only what arrived since the last frame', () => {
    const store = new LogStore();
    fill(store, 100);
    const { view, queries } = spy(store);
    const window = new LogWindow(view);
    expect(texts(window, 3)).toEqual(['line 97', 'line 98', 'line 99']);
    store.append({ process: 'api', name: 'api', instance: null, stream: 'out', text: 'new', time: 5000 });
    expect(texts(window, 3)).toEqual(['line 98', 'line 99', 'new']);
    expect(texts(window, 3)).toEqual(['line 98', 'line 99', 'new']);
    expect(queries).toHaveLength(2);
    expect(queries[0]).toMatchObject({ limit: 3 });
    expect(queries[1]).toMatchObject({ after: 100 });
    expect(window.following).toBe(true);
  });

  it('scrolled back, stays put while lines arrive, and follows again at the end', () => {
    const store = new LogStore();
    fill(store, 50);
    const window = new LogWindow(store);
    window.lines(5);
    window.scroll(-10);
    expect(window.following).toBe(false);
    expect(texts(window, 5)).toEqual(['line 35', 'line 36', 'line 37', 'line 38', 'line 39']);
    fill(store, 20, 'api', () => 9000);
    expect(texts(window, 5)).toEqual(['line 35', 'line 36', 'line 37', 'line 38', 'line 39']);
    window.scroll(2);
    expect(texts(window, 5)[0]).toBe('line 37');
    window.scroll(1000);
    expect(window.following).toBe(true);
    expect(texts(window, 5).at(-1)).toBe('line 19');
  });

  it('pages, goes to the top and back to the bottom', () => {
    const store = new LogStore();
    fill(store, 30);
    const window = new LogWindow(store);
    window.lines(10);
    window.page(-1);
    expect(texts(window, 10)[0]).toBe('line 11');
    window.top();
    expect(texts(window, 10)[0]).toBe('line 0');
    window.scroll(-5);
    expect(texts(window, 10)[0]).toBe('line 0');
    window.bottom();
    expect(texts(window, 10)[0]).toBe('line 20');
  });

  it('scrolls back across lines that share one millisecond (a flood)', () => {
    const store = new LogStore();
    fill(store, 500, 'api', () => 7000);
    const window = new LogWindow(store);
    window.lines(4);
    window.scroll(-300);
    expect(texts(window, 4)).toEqual(['line 196', 'line 197', 'line 198', 'line 199']);
  });

  it('filters by process and level, keeping the merge order of the store', () => {
    const store = new LogStore();
    store.append({ process: 'db', name: 'db', instance: null, stream: 'out', text: 'db up', time: 1 });
    store.append({
      process: 'api',
      name: 'api',
      instance: null,
      stream: 'err',
      text: 'ERROR api broke',
      time: 2,
    });
    store.append({ process: 'db', name: 'db', instance: null, stream: 'out', text: 'WARN db slow', time: 3 });
    const window = new LogWindow(store);
    expect(texts(window, 5)).toEqual(['db up', 'ERROR api broke', 'WARN db slow']);
    window.setFilter({ processes: ['db'] });
    expect(texts(window, 5)).toEqual(['db up', 'WARN db slow']);
    window.setFilter({ level: 'warn' });
    expect(texts(window, 5)).toEqual(['ERROR api broke', 'WARN db slow']);
  });

  it('searches: counts matches, moves to the newest, then back (n) and forward (N)', () => {
    const store = new LogStore();
    for (let i = 0; i < 40; i += 1) {
      store.append({
        process: 'api',
        name: 'api',
        instance: null,
        stream: 'out',
        text: i % 10 === 0 ? `GET /x ${i}` : `noise ${i}`,
        time: i,
      });
    }
    const window = new LogWindow(store);
    window.lines(6);
    expect(window.setSearch(compileSearch('get'))).toBe(true);
    expect(window.matchCount).toBe(4);
    const current = (): string | undefined =>
      store.query({}).entries.find((entry) => entry.seq === window.matchSeq)?.text;
    expect(current()).toBe('GET /x 30');
    expect(window.following).toBe(false);
    expect(texts(window, 6)).toContain('GET /x 30');
    expect(window.nextMatch()).toBe(true);
    expect(current()).toBe('GET /x 20');
    expect(texts(window, 6)).toContain('GET /x 20');
    window.nextMatch();
    window.nextMatch();
    expect(current()).toBe('GET /x 0');
    expect(window.nextMatch()).toBe(false);
    expect(window.previousMatch()).toBe(true);
    expect(current()).toBe('GET /x 10');
    expect(window.setSearch(compileSearch('nothing like this'))).toBe(false);
  });

  it('never reads the whole buffer: every query has a limit or starts at a cursor', () => {
    const store = new LogStore();
    fill(store, 2000);
    const { view, queries } = spy(store);
    const window = new LogWindow(view);
    window.lines(20);
    window.scroll(-500);
    window.lines(20);
    window.scroll(100);
    window.lines(20);
    window.top();
    window.lines(20);
    window.setSearch(compileSearch('line 1'));
    window.lines(20);
    window.nextMatch();
    window.bottom();
    fill(store, 10);
    window.lines(20);
    for (const query of queries) expect(query.limit !== undefined || query.after !== undefined).toBe(true);
    const unbounded = queries.filter((query) => query.limit === undefined);
    for (const query of unbounded) expect(query.after).toBeGreaterThan(0);
  });
});
