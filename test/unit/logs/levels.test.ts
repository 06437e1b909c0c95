import { describe, expect, it } from 'vitest';
import { detectLevel, detectLogLevel, levelName, levelOfNumber } from '../../../src/logs/levels.js';

const ESC = '\x1b';

describe('detectLevel', () => {
  it.each([
    // plain lines say nothing: info
    ['listening on :3000', 'info'],
    ['line 42', 'info'],
    ['', 'info'],
    ['   indented ERROR', 'info'],
    ['GET /health 200 1ms', 'info'],
    // a leading word
    ['ERROR connection refused', 'error'],
    ['error: connection refused', 'error'],
    ['Error: ENOENT', 'error'],
    ['WARN disk at 91%', 'warn'],
    ['Warning: deprecated', 'warn'],
    ['warning something', 'warn'],
    ['INFO ready', 'info'],
    ['DEBUG cache miss', 'debug'],
    ['debug: x', 'debug'],
    ['TRACE enter', 'debug'],
    ['verbose x', 'debug'],
    ['FATAL out of memory', 'error'],
    ['CRITICAL x', 'error'],
    ['panic: runtime error', 'error'],
    ['notice: x', 'info'],
    ['ERROR:root:python logging', 'error'],
    // brackets and friends
    ['[warn] slow query', 'warn'],
    ['[ERROR] x', 'error'],
    ['[E] x', 'error'],
    ['[W] x', 'warn'],
    ['(debug) x', 'debug'],
    ['<error> x', 'error'],
    // single letters only where the form marks them as a level
    ['W: low battery', 'warn'],
    ['E/ActivityManager: crash', 'error'],
    ['D/Tag: x', 'debug'],
    ['I think so', 'info'],
    ['E mc2', 'info'],
    ['W is a letter', 'info'],
    // glog
    ['W0501 10:00:00.123456 1234 file.go:10] slow', 'warn'],
    ['E0501 10:00:00.123456 1234 file.go:10] bad', 'error'],
    ['I0501 10:00:00.123456 1234 file.go:10] ok', 'info'],
    // timestamps first
    ['2024-05-01T10:00:00.123Z ERROR x', 'error'],
    ['2024-05-01 10:00:00,123 WARNING x', 'warn'],
    ['[2024-05-01 10:00:00] [error] x', 'error'],
    ['10:00:00 DEBUG x', 'debug'],
    ['10:00:00.5+02:00 warn x', 'warn'],
    // logfmt
    ['level=warn msg="slow"', 'warn'],
    ['time=2024-05-01T10:00:00Z level=error msg=x', 'error'],
    ['ts=1714557600 lvl=debug x', 'debug'],
    // colour codes around the word
    [`${ESC}[31mERROR${ESC}[39m boom`, 'error'],
    [`${ESC}[33m[warn]${ESC}[0m x`, 'warn'],
    [`[${ESC}[33mWARN${ESC}[0m] x`, 'warn'],
    // words that merely start like a level
    ['errors: 0', 'info'],
    ['Information superhighway', 'info'],
    ['Debugger attached.', 'info'],
    ['infos x', 'info'],
    ['warned x', 'info'],
    ['Errored out', 'info'],
  ])('%j → %s', (text, level) => {
    expect(levelName(detectLevel(text))).toBe(level);
  });

  it.each([
    ['{"level":"warn","msg":"x"}', 'warn'],
    ['{"level":"ERROR","msg":"x"}', 'error'],
    ['{"severity":"WARNING","message":"gcp"}', 'warn'],
    ['{"lvl":"dbug"}', 'info'],
    ['{"lvl":"debug"}', 'debug'],
    ['{"level":30,"msg":"pino info"}', 'info'],
    ['{"level":20,"msg":"pino debug"}', 'debug'],
    ['{"level":10,"msg":"pino trace"}', 'debug'],
    ['{"level":40,"msg":"pino warn"}', 'warn'],
    ['{"level":50,"msg":"pino error"}', 'error'],
    ['{"level":60,"msg":"pino fatal"}', 'error'],
    ['{"name":"app","hostname":"h","pid":1,"level":50,"msg":"bunyan"}', 'error'],
    ['{"msg":"no level here"}', 'info'],
    ['{"msg":"ERROR inside the message"}', 'info'],
    ['{not json at all', 'info'],
  ])('JSON %j → %s', (text, level) => {
    expect(levelName(detectLevel(text))).toBe(level);
  });
});

describe('levelOfNumber', () => {
  it.each([
    [0, 'error'],
    [3, 'error'],
    [4, 'warn'],
    [5, 'info'],
    [6, 'info'],
    [7, 'debug'],
    [10, 'debug'],
    [29, 'debug'],
    [30, 'info'],
    [45, 'warn'],
    [50, 'error'],
    [100, 'error'],
  ])('%d → %s (syslog below 10, pino/bunyan from 10)', (value, level) => {
    expect(levelName(levelOfNumber(value))).toBe(level);
  });
});

it('detectLogLevel names the level', () => {
  expect(detectLogLevel('WARN x')).toBe('warn');
  expect(detectLogLevel('plain')).toBe('info');
});
