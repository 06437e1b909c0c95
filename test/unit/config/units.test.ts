import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize, tryParseDuration, tryParseSize } from '../../../src/config/units.js';
import { OvrseerError } from '../../../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['0s', 0],
    ['250', 250],
    [' 5s ', 5_000],
    [1500, 1500],
    [0, 0],
  ] as const)('%j → %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['5 sec', 'fast', '-1s', '5S', '1d', '', 's', '1.2.3s'])(
    'rejects %j with the expected forms',
    (input) => {
      expect(tryParseDuration(input)).toBeNull();
      expect(() => parseDuration(input)).toThrow(
        `expected a duration such as "500ms", "5s" or "2m", got ${JSON.stringify(input)}`,
      );
    },
  );

  it('rejects negative and non-finite numbers', () => {
    expect(tryParseDuration(-1)).toBeNull();
    expect(tryParseDuration(Number.POSITIVE_INFINITY)).toBeNull();
    expect(tryParseDuration(Number.NaN)).toBeNull();
  });

  it('throws a usage error (for command-line flags)', () => {
    expect(() => parseDuration('soon')).toThrow(OvrseerError);
    try {
      parseDuration('soon');
    } catch (error) {
      expect((error as OvrseerError).code).toBe('OVRSEER_USAGE');
    }
  });
});

describe('parseSize', () => {
  it.each([
    ['10MB', 10 * 1024 * 1024],
    ['512KB', 512 * 1024],
    ['1GB', 1024 ** 3],
    ['1.5MB', 1.5 * 1024 * 1024],
    ['1TB', 1024 ** 4],
    ['100B', 100],
    ['100', 100],
    ['10mb', 10 * 1024 * 1024],
    [4096, 4096],
  ] as const)('%j → %d bytes', (input, expected) => {
    expect(parseSize(input)).toBe(expected);
  });

  it.each(['10 MB', 'big', '10MiB', '-1KB', ''])('rejects %j', (input) => {
    expect(tryParseSize(input)).toBeNull();
    expect(() => parseSize(input)).toThrow(
      `expected a size such as "512KB", "10MB" or "1GB", got ${JSON.stringify(input)}`,
    );
  });
});
