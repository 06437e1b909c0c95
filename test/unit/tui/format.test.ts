import { describe, expect, it } from 'vitest';
import { clipLine, fitText, formatAge, sanitizeLine, sparkline } from '../../../src/tui/format.js';

describe('sparkline', () => {
  it('scales to a fixed top (CPU) or to the values own range', () => {
    expect(sparkline([0, 50, 100], 3, 100)).toBe('▁▅█');
    expect(sparkline([0.1, 0.2], 2, 100)).toBe('▁▁');
    expect(sparkline([10, 20, 30], 3)).toBe('▁▅█');
    expect(sparkline([5, 5], 2)).toBe('▄▄');
  });

  it('pads short histories on the left, keeps the newest values, and shows gaps', () => {
    expect(sparkline([100], 4, 100)).toBe('   █');
    expect(sparkline([0, 0, 0, 100, 100], 2, 100)).toBe('██');
    expect(sparkline([null, 100], 2, 100)).toBe(' █');
    expect(sparkline([], 3)).toBe('   ');
  });
});

describe('sanitizeLine', () => {
  it('keeps colours and drops every other escape and control character', () => {
    expect(sanitizeLine('\u001b[31mred\u001b[0m')).toBe('\u001b[31mred\u001b[0m');
    expect(sanitizeLine('a\u001b[2Jb\u001b[10;5Hc')).toBe('abc');
    expect(sanitizeLine('\u001b]0;title\u0007text')).toBe('text');
    expect(sanitizeLine('progress\r50%\u0007\u0000')).toBe('progress50%');
    expect(sanitizeLine('lone \u001b escape')).toBe('lone  escape');
    expect(sanitizeLine('a\tb')).toBe('a    b');
  });
});

describe('clipLine', () => {
  it('cuts to columns, not to characters: colours take none, wide characters two', () => {
    expect(clipLine('hello', 3)).toBe('hel');
    expect(clipLine('hello', 5)).toBe('hello');
    expect(clipLine('\u001b[31mhello\u001b[39m', 3)).toBe('\u001b[31mhel\u001b[0m');
    expect(clipLine('\u001b[31mhi\u001b[39m', 10)).toBe('\u001b[31mhi\u001b[39m');
    expect(clipLine('日本語', 4)).toBe('日本');
    expect(clipLine('日本語', 5)).toBe('日本');
    expect(clipLine('▁▂▃', 2)).toBe('▁▂');
  });
});

describe('fitText and formatAge', () => {
  it('pads or cuts with an ellipsis', () => {
    expect(fitText('api', 5)).toBe('api  ');
    expect(fitText('12', 4, 'right')).toBe('  12');
    expect(fitText('worker.12', 6)).toBe('worke…');
  });

  it('shows seconds only in the first minute', () => {
    expect(formatAge(null)).toBe('-');
    expect(formatAge(45_000)).toBe('45s');
    expect(formatAge(12 * 60_000 + 5000)).toBe('12m');
    expect(formatAge(3 * 3_600_000 + 12 * 60_000)).toBe('3h12m');
    expect(formatAge(52 * 3_600_000)).toBe('2d4h');
  });
});
