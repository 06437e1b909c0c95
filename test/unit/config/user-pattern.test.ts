import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import {
  compileUserPattern,
  requiredLiteral,
  UserPatternError,
  userPatternProblem,
} from '../../../src/config/user-pattern.js';

const LINE = `${'a'.repeat(64 * 1024)}!`;

describe('compileUserPattern', () => {
  it.each(['(a+)+$', '(a|aa)+$', '(a*)*b', '(\\w+\\s?)*$', '\\d+ms', '(x+x+)+y', '^(a|a?)+$'])(
    'runs %s over a 64 KiB line in linear time',
    (source) => {
      const pattern = compileUserPattern(source);
      const started = performance.now();
      pattern.test(LINE);
      pattern.test('1'.repeat(64 * 1024));
      // Backtracking takes seconds to ages here; RE2 a few milliseconds (a second of margin for load).
      expect(performance.now() - started).toBeLessThan(1000);
    },
  );

  it('keeps the JavaScript syntax users type: classes, named groups, \\/ and \\u, (?i) and the i flag', () => {
    expect(compileUserPattern('timeout after \\d+ms').test('ERROR timeout after 30ms')).toBe(true);
    expect(compileUserPattern('(?<verb>GET|POST) \\/api').test('POST /api/x')).toBe(true);
    expect(compileUserPattern('\\u0041BC').test('xABC')).toBe(true);
    expect(compileUserPattern('(?i)error').test('ERROR')).toBe(true);
    expect(compileUserPattern('error', { ignoreCase: true }).test('An ERROR')).toBe(true);
    expect(compileUserPattern('^b', { flags: 'm' }).test('a\nb')).toBe(true);
    expect(compileUserPattern('^b').test('a\nb')).toBe(false);
    expect(compileUserPattern('a.c', { fixed: true }).test('abc')).toBe(false);
    expect(compileUserPattern('a.c', { fixed: true }).test('xa.c')).toBe(true);
  });

  it('names what RE2 does not support, with the key', () => {
    const cases: Array<[string, RegExp]> = [
      ['(\\w)\\1', /backreference \(\\1\)/],
      ['(?<q>.)\\k<q>', /backreference \(\\k<…>\)/],
      ['foo(?=bar)', /lookahead \(\(\?=…\)/],
      ['foo(?!bar)', /lookahead/],
      ['(?<=x)y', /lookbehind \(\(\?<=…\)/],
      ['(?<!x)y', /lookbehind/],
      ['[', /an invalid regular expression: missing closing \]/],
    ];
    for (const [source, message] of cases) {
      let caught: unknown;
      try {
        compileUserPattern(source, { key: 'grep' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UserPatternError);
      expect((caught as UserPatternError).code).toBe('OVRSEER_PATTERN_INVALID');
      expect((caught as UserPatternError).message).toMatch(/^grep: /);
      expect((caught as UserPatternError).message).toMatch(message);
    }
    expect(compileUserPattern('[(?=]').test('x=')).toBe(true);
    expect(userPatternProblem('x', { flags: 'q' })).toMatch(/unknown flag "q"/);
    expect(userPatternProblem('ok+')).toBeNull();
  });

  it('highlights every non-empty match', () => {
    expect(compileUserPattern('b+').ranges('abbcbbb')).toEqual([
      [1, 3],
      [4, 7],
    ]);
    expect(compileUserPattern('q*').ranges('abc')).toEqual([]);
    expect(compileUserPattern('o', { ignoreCase: true }).ranges('fOo')).toEqual([
      [1, 2],
      [2, 3],
    ]);
  });
});

describe('requiredLiteral (the prefilter before RE2)', () => {
  it.each<[string, string | null]>([
    ['timeout after \\d+ms', 'timeout after '],
    ['ab+c', 'ab'],
    ['abc?d', 'ab'],
    ['x{2}yz', 'yz'],
    ['(foo)bar', 'bar'],
    ['[abc]+ready', 'ready'],
    ['error|warn', null],
    ['(a+)+$', null],
    ['\\x41BC', null],
    ['a(?i)bc', null],
    ['listening on \\.port', 'listening on .port'],
    ['a{,3}bc', 'bc'],
  ])('%s → %s', (source, literal) => {
    expect(requiredLiteral(source)?.text ?? null).toBe(literal);
  });

  it('never rejects a line RE2 matches', () => {
    const patterns = [
      'timeout after \\d+ms',
      '(?i)Ready on port \\d+',
      'ab?c+d*e',
      'x{0,2}yz',
      'k[0-9]+ok',
      '😀?ab',
      'GET /api/\\w+ 5\\d\\d',
      '\\.json$',
    ];
    const lines = [
      'ERROR timeout after 30ms',
      'READY ON PORT 8080',
      'ace',
      'acccde',
      'yz',
      'xxyz',
      'k1ok',
      'ab',
      '😀ab',
      'GET /api/users 503',
      'file.json',
      'nothing here',
    ];
    for (const source of patterns) {
      const fast = compileUserPattern(source);
      const plain = RE2JS.compile(RE2JS.translateRegExp(source));
      for (const line of lines) expect(fast.test(line), `${source} on ${line}`).toBe(plain.test(line));
    }
  });
});
