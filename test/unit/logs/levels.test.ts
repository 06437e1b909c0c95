import { describe, expect, it } from 'vitest';
import { LineBatch } from '../../../src/core/line-batch.js';
import { LineSplitter } from '../../../src/core/line-splitter.js';
import {
  detectBatchLevel,
  detectLevel,
  detectLogLevel,
  levelName,
  levelOfNumber,
} from '../../../src/logs/levels.js';
import { random } from '../../helpers/batches.js';

const ESC = '\x1b';

const LINES: [string, string][] = [
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
];

const JSON_LINES: [string, string][] = [
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
];

describe('detectLevel', () => {
  it.each(LINES)('%j → %s', (text, level) => {
    expect(levelName(detectLevel(text))).toBe(level);
  });

  it.each(JSON_LINES)('JSON %j → %s', (text, level) => {
    expect(levelName(detectLevel(text))).toBe(level);
  });
});

const ALL_ROWS: string[] = [...LINES, ...JSON_LINES].map(([text]) => text);

/** Lines that are not ASCII, where bytes and characters differ: the answer must still be the same. */
const NON_ASCII = [
  'ERROR: 世界 kaputt',
  'WARN über',
  '[warn] ☃ snow',
  'Érreur fatale',
  'ÉRROR x',
  'é',
  'eé',
  'E€ x',
  'W€: x',
  'Wé/Tag x',
  '€ERROR x',
  'dŲ x',
  'ŵarn x',
  '\uFFFDERROR x',
  'ERROR\uFFFD x',
  '🎉 ERROR',
  'error: 🎉',
  `${ESC}[31mERRÖR${ESC}[0m x`,
  '{"level":"warn","msg":"ünïcode"}',
  '{"msg":"ERROR ü"}',
  '2024-05-01 10:00:00 FEHLER ä',
  '10:00:00 warn ü',
];

const isAscii = (text: string): boolean => Buffer.byteLength(text) === text.length;

describe('detectBatchLevel', () => {
  it.each(ALL_ROWS.map((text) => [text]))('%j alone in a batch: as detectLevel', (text) => {
    expect(detectBatchLevel(LineBatch.fromTexts([text]), 0)).toBe(detectLevel(text));
  });

  it.each(ALL_ROWS.map((text) => [text]))('%j in the middle of a batch: as detectLevel', (text) => {
    const batch = LineBatch.fromTexts(['ERROR before', 'W', text, '{"level":"warn"}', 'E/after: x']);
    expect(batch.text(2)).toBe(text);
    expect(detectBatchLevel(batch, 2)).toBe(detectLevel(text));
  });

  it.each(NON_ASCII.map((text) => [text]))('non-ASCII %j: as detectLevel, alone and among others', (text) => {
    expect(detectBatchLevel(LineBatch.fromTexts([text]), 0)).toBe(detectLevel(text));
    const batch = LineBatch.fromTexts(['plain', text, 'ERROR after']);
    expect(detectBatchLevel(batch, 1)).toBe(detectLevel(text));
  });

  it('every row of the tables, in one batch from the splitter (CRLF endings, ASCII and not): as detectLevel', () => {
    const rows = [...ALL_ROWS, ...NON_ASCII];
    for (const ascii of [true, false]) {
      const texts = ascii ? rows.filter(isAscii) : rows;
      const chunk = Buffer.from(`${texts.join('\r\n')}\r\n`);
      let batch: LineBatch | null = null;
      new LineSplitter((lines) => {
        batch = lines;
      }).push(chunk);
      const got = batch as unknown as LineBatch;
      expect(got.ascii).toBe(ascii);
      expect(got.bytes.buffer).toBe(chunk.buffer);
      expect(got.count).toBe(texts.length);
      texts.forEach((text, i) => {
        expect([text, detectBatchLevel(got, i)]).toEqual([text, detectLevel(text)]);
      });
    }
  });

  it('reads only the line: the bytes right after a short line are not its second character', () => {
    // "W" and ": low" abut: read together they would be "W: low", a warning; "W" alone says nothing.
    const bytes = Buffer.from('W: lowE/Tag');
    const batch = new LineBatch(bytes, Int32Array.of(0, 1, 6), Int32Array.of(1, 6, 11), 3, true);
    expect(batch.texts()).toEqual(['W', ': low', 'E/Tag']);
    for (let i = 0; i < 3; i += 1) expect(detectBatchLevel(batch, i)).toBe(detectLevel(batch.text(i)));
    expect(levelName(detectBatchLevel(batch, 0))).toBe('info');
    expect(levelName(detectBatchLevel(batch, 2))).toBe('error');
    // An empty line between others.
    const empty = new LineBatch(Buffer.from('ERROR'), Int32Array.of(0, 0), Int32Array.of(0, 5), 2, true);
    expect(levelName(detectBatchLevel(empty, 0))).toBe('info');
    expect(levelName(detectBatchLevel(empty, 1))).toBe('error');
  });

  it('random lines built from level-like pieces: always as detectLevel', () => {
    const pieces = [
      'ERROR',
      'error',
      'Err',
      'e',
      'E',
      'W',
      'w',
      'warn',
      'WARNING',
      'info',
      'I',
      'D',
      'debug',
      'trace',
      'fatal',
      'f',
      'level=',
      'lvl=',
      'time=x ',
      'ts=1 ',
      ':',
      '/',
      ' ',
      '[',
      ']',
      '(',
      ')',
      '<',
      '>',
      '|',
      ',',
      '{',
      '}',
      '"level":',
      '"severity":"',
      '50',
      '"',
      '0501',
      ' 10:00:00',
      '2024-05-01T',
      '10:00:00.123Z ',
      `${ESC}[31m`,
      `${ESC}[0m`,
      'é',
      'Ų',
      '€',
      '🎉',
      '\uFFFD',
      'x',
      'errors',
      '\t',
      '=',
    ];
    const next = random(42);
    const texts: string[] = [];
    for (let i = 0; i < 5000; i += 1) {
      let text = '';
      const length = Math.floor(next() * 6);
      for (let k = 0; k < length; k += 1) text += pieces[Math.floor(next() * pieces.length)];
      texts.push(text);
    }
    const batch = LineBatch.fromTexts(texts);
    const asciiTexts = texts.filter(isAscii);
    const asciiBatch = LineBatch.fromTexts(asciiTexts);
    expect(asciiBatch.ascii).toBe(true);
    const mismatches: string[] = [];
    texts.forEach((text, i) => {
      if (detectBatchLevel(batch, i) !== detectLevel(text)) mismatches.push(text);
    });
    asciiTexts.forEach((text, i) => {
      if (detectBatchLevel(asciiBatch, i) !== detectLevel(text)) mismatches.push(text);
    });
    expect(mismatches).toEqual([]);
    // The pieces do make levels other than info often enough for this to mean something.
    expect(texts.filter((text) => detectLevel(text) !== 1).length).toBeGreaterThan(200);
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
