import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryLogFiles } from '../../../src/logs/file-reader.js';
import { formatFileLine, parseFileLine } from '../../../src/logs/format.js';
import { ERROR, INFO, WARN } from '../../../src/logs/levels.js';
import { logFiles } from '../../../src/logs/log-files.js';
import { PairWriter } from './indexed-files.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-files-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2025, 4, 1, 10, 0, 0, 0);
const iso = (offset: number): string => new Date(T0 + offset).toISOString();

describe('log file lines', () => {
  it.each([
    'plain text',
    'text | with | bars and  double  spaces',
    '  leading and trailing spaces  ',
    'tab\tand carriage\rreturn in the middle',
    'unicode: 世界 🎉 \uFFFD',
    '{"level":"warn","msg":"json"}',
    '',
  ])('round-trips %j', (text) => {
    const line = formatFileLine(T0 + 5, 'worker.2', 'err', WARN, text);
    expect(line.endsWith('\n')).toBe(true);
    expect(parseFileLine(line.slice(0, -1), 'worker')).toEqual({
      seq: 0,
      time: T0 + 5,
      process: 'worker.2',
      name: 'worker',
      instance: 2,
      stream: 'err',
      level: 'warn',
      text,
    });
  });

  it('has the documented layout', () => {
    expect(formatFileLine(T0, 'api', 'out', ERROR, 'boom')).toBe(
      '2025-05-01T10:00:00.000Z api out error | boom\n',
    );
  });

  it.each([
    '',
    'not a log line',
    '2025-05-01T10:00:00.000Z api out',
    'nope api out info | x',
    `${iso(0)} api bad info | x`,
  ])('rejects %j', (line) => {
    expect(parseFileLine(line, 'api')).toBeNull();
  });
});

/** A log file and its index holding `lines` (`[ms after T0, text, process?]`); `suffix` `.1.gz` etc. */
function write(name: string, lines: [number, string, string?][], suffix = ''): void {
  const path = join(dir, `${name}.log`);
  const pair = new PairWriter(path, T0);
  for (const [offset, text, process] of lines) {
    const instance = process === undefined ? null : Number(process.slice(name.length + 1));
    pair.output(T0 + offset, instance, 'out', `${text}\n`);
  }
  if (suffix === '') return;
  for (const file of [path, pair.indexPath]) {
    const data = readFileSync(file);
    rmSync(file);
    writeFileSync(`${file}${suffix}`, suffix.endsWith('.gz') ? gzipSync(data) : data);
  }
}

describe('queryLogFiles', () => {
  it('merges processes in time order and reads rotated gzip files, oldest first', async () => {
    write(
      'api',
      [
        [0, 'api 0'],
        [20, 'api 20'],
      ],
      '.2.gz',
    );
    write('api', [[40, 'api 40']], '.1.gz');
    write('api', [
      [60, 'api 60'],
      [80, 'api 80'],
    ]);
    write('db', [
      [10, 'db 10'],
      [50, 'db 50'],
      [90, 'db 90'],
    ]);
    const { entries } = await queryLogFiles({ dir, names: ['api', 'db'] }, {});
    expect(entries.map((entry) => entry.text)).toEqual([
      'api 0',
      'db 10',
      'api 20',
      'api 40',
      'db 50',
      'api 60',
      'api 80',
      'db 90',
    ]);
  });

  it('applies grep, since, until, level, processes and limit (the newest, oldest first)', async () => {
    write('api', [
      [0, 'GET /a'],
      [10, 'ERROR boom'],
      [20, 'GET /b'],
      [30, 'GET /c'],
    ]);
    write('db', [[15, 'WARN slow']]);
    const names = ['api', 'db'];
    const texts = async (query: object) =>
      (await queryLogFiles({ dir, names }, query)).entries.map((entry) => entry.text);
    expect(await texts({ grep: '^GET' })).toEqual(['GET /a', 'GET /b', 'GET /c']);
    expect(await texts({ grep: 'get /B', ignoreCase: true })).toEqual(['GET /b']);
    expect(await texts({ since: T0 + 15 })).toEqual(['WARN slow', 'GET /b', 'GET /c']);
    expect(await texts({ until: T0 + 15 })).toEqual(['GET /a', 'ERROR boom']);
    expect(await texts({ level: 'warn' })).toEqual(['ERROR boom', 'WARN slow']);
    expect(await texts({ level: 'error' })).toEqual(['ERROR boom']);
    expect(await texts({ processes: ['db'] })).toEqual(['WARN slow']);
    expect(await texts({ limit: 2 })).toEqual(['GET /b', 'GET /c']);
    expect(await texts({ limit: 2, grep: 'GET' })).toEqual(['GET /b', 'GET /c']);
  });

  it('selects one replica from a shared file', async () => {
    write('worker', [
      [0, 'w1', 'worker.1'],
      [1, 'w2', 'worker.2'],
      [2, 'w1 again', 'worker.1'],
    ]);
    const { entries } = await queryLogFiles({ dir, names: ['worker'] }, { processes: ['worker.1'] });
    expect(entries.map((entry) => [entry.process, entry.instance, entry.text])).toEqual([
      ['worker.1', 1, 'w1'],
      ['worker.1', 1, 'w1 again'],
    ]);
  });

  it('stops reading older files once the limit is reached', async () => {
    writeFileSync(join(dir, 'api.log.1.gz'), 'not gzip: reading this would fail');
    write('api', [
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
    const { entries } = await queryLogFiles({ dir, names: ['api'] }, { limit: 2 });
    expect(entries.map((entry) => entry.text)).toEqual(['b', 'c']);
    await expect(queryLogFiles({ dir, names: ['api'] }, {})).rejects.toMatchObject({
      code: 'OVRSEER_LOG_READ_FAILED',
    });
  });

  it('shows lines of an index-less file not in the earlier format with the time of the line before', async () => {
    writeFileSync(
      join(dir, 'api.log'),
      `${formatFileLine(T0, 'api', 'out', INFO, 'good')}edited by hand\n${formatFileLine(T0 + 5, 'api', 'out', INFO, 'good again')}torn`,
    );
    const { entries } = await queryLogFiles({ dir, names: ['api'] }, {});
    expect(entries.map((entry) => [entry.time - T0, entry.text])).toEqual([
      [0, 'good'],
      [0, 'edited by hand'],
      [5, 'good again'],
      [5, 'torn'],
    ]);
  });

  it('finds nothing, without failing, for processes without files or a missing directory', async () => {
    expect((await queryLogFiles({ dir, names: ['nothing'] }, {})).entries).toEqual([]);
    expect((await queryLogFiles({ dir: join(dir, 'missing'), names: ['api'] }, {})).entries).toEqual([]);
  });

  it('lists files oldest first, preferring a whole uncompressed .1 over a partial .1.gz', async () => {
    for (const name of [
      'api.log',
      'api.log.1',
      'api.log.1.gz',
      'api.log.3.gz',
      'api.log.2.gz',
      'api.logs',
      'api.log.x',
      'api.idx',
      'api.idx.1.gz',
    ]) {
      writeFileSync(join(dir, name), '');
    }
    expect((await logFiles(join(dir, 'api.log'))).map((path) => path.slice(dir.length + 1))).toEqual([
      'api.log.3.gz',
      'api.log.2.gz',
      'api.log.1',
      'api.log',
    ]);
  });
});
