import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/web/page/api.js';
import { sameRow, startedAt } from '../../../src/web/page/process-row.js';
import { sparkPath } from '../../../src/web/page/sparkline.js';

const base: Row = {
  name: 'api',
  instance: null,
  process: 'api',
  type: 'service',
  status: 'running',
  health: 'unknown',
  pid: 10,
  restarts: 0,
  uptime_ms: 5_000,
  cpu: 0.04,
  memory: 31_457_280,
  ports: [3000],
  group: null,
  tags: ['web'],
  branch: null,
  reason: null,
};

describe('the process table rows', () => {
  it('a push with the same shown values is the same row; uptime, unseen CPU digits and new objects do not count', () => {
    expect(sameRow(base, { ...base, uptime_ms: 7_000, cpu: 0.041, ports: [3000], tags: ['web'] })).toBe(true);
    expect(sameRow(base, { ...base, status: 'stopped' })).toBe(false);
    expect(sameRow(base, { ...base, cpu: 12 })).toBe(false);
    expect(sameRow(base, { ...base, ports: [3000, 3001] })).toBe(false);
    expect(sameRow(base, { ...base, restarts: 1 })).toBe(false);
  });

  it('the start time from uptime stays the same from one push to the next', () => {
    expect(startedAt(5_000, 1_000_000)).toBe(995_000);
    expect(startedAt(7_010, 1_002_000)).toBe(995_000);
    expect(startedAt(null, 1_000_000)).toBeNull();
  });

  it('sparklines: equal values draw equal paths; fewer than two points draw nothing', () => {
    expect(sparkPath([1])).toBe('');
    expect(sparkPath([null, 1, null])).toBe('');
    expect(sparkPath([1, 2, 3])).toBe(sparkPath([1, 2, 3]));
    expect(sparkPath([0, 2])).toBe('0.0,15.0 60.0,1.0');
  });
});
