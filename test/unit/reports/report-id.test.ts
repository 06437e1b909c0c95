import { describe, expect, it } from 'vitest';
import { createReportId, REPORT_ID_PATTERN, reportIdSecond } from '../../../src/reports/report-id.js';
import { T0 } from './helpers.js';

describe('report ids', () => {
  it('read as UTC time, process and a random suffix', () => {
    expect(createReportId(T0 + 999, 'api', () => '3f9a')).toBe('20261122T004512Z-api-3f9a');
    expect(createReportId(T0, 'worker.2')).toMatch(/^20261122T004512Z-worker\.2-[0-9a-f]{4}$/);
  });

  it('match the stored-file pattern and sort by time', () => {
    const times = [T0 + 3_600_000, T0, T0 + 1000, Date.UTC(2027, 0, 1)];
    const ids = times.map((time) => createReportId(time, 'zeta'));
    for (const id of ids) expect(id).toMatch(REPORT_ID_PATTERN);
    const byId = [...ids].sort();
    const byTime = [...times].sort((a, b) => a - b).map((time) => ids[times.indexOf(time)]);
    expect(byId).toEqual(byTime);
  });

  it('are safe file names whatever the process is called', () => {
    for (const name of ['../../etc/passwd', '.hidden', 'a b/c', '', 'x'.repeat(300), 'ünï']) {
      const id = createReportId(T0, name);
      expect(id).toMatch(REPORT_ID_PATTERN);
      expect(id).not.toContain('/');
      expect(id.split('-')[1]?.startsWith('.')).toBe(false);
    }
  });

  it('give their UTC second', () => {
    expect(reportIdSecond('20261122T004512Z-api-3f9a')).toBe('20261122T004512Z');
  });
});
