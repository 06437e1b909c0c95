import { describe, expect, it } from 'vitest';
import { parseLines } from '../../../src/cli/commands/logs.js';

describe('logs -n', () => {
  it('reads N, 0 (no earlier lines) and all (no limit)', () => {
    expect(parseLines('25', 100)).toBe(25);
    expect(parseLines('0', 100)).toBe(0);
    expect(parseLines('all', 100)).toBeUndefined();
    expect(parseLines(undefined, 100)).toBe(100);
  });

  it('rejects anything else with a usage error naming the flag', () => {
    for (const value of ['-1', 'ten', '1.5', '', '99999999999999999999']) {
      expect(() => parseLines(value, 100)).toThrow(
        expect.objectContaining({
          code: 'OVRSEER_USAGE',
          message: `-n/--lines: expected a number of lines (0 or more) or "all", got "${value}"`,
        }),
      );
    }
  });
});
