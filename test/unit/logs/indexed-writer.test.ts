import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryLogFiles } from '../../../src/logs/file-reader.js';
import { LogFileWriter } from '../../../src/logs/log-file-writer.js';
import { INDEX_MAGIC } from '../../../src/logs/log-index.js';
import { waitFor } from '../../helpers/wait-for.js';

let dir = '';
const writers: LogFileWriter[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-indexed-'));
});
afterEach(async () => {
  await Promise.all(writers.splice(0).map((writer) => writer.close()));
  rmSync(dir, { recursive: true, force: true });
});

function writer(maxSize = 0, keep = 5): LogFileWriter {
  const created = new LogFileWriter({
    path: join(dir, 'api.log'),
    maxSize,
    keep,
    index: true,
    onDropped: () => undefined,
    onError: (error) => {
      throw error;
    },
  });
  created.start();
  writers.push(created);
  return created;
}

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0, 0);

async function read(): Promise<string[]> {
  const { entries } = await queryLogFiles({ dir, names: ['api'] }, {});
  return entries.map((e) => `${e.time - T0} ${e.process} ${e.stream} ${e.text}`);
}

describe('LogFileWriter with an index', () => {
  it('writes the text as given and the index before any of it; system lines only in the index', async () => {
    const w = writer();
    await w.flush();
    await waitFor(() => existsSync(join(dir, 'api.idx')), 'the index');
    expect(readFileSync(join(dir, 'api.idx'), 'latin1').startsWith(INDEX_MAGIC)).toBe(true);
    expect(readFileSync(join(dir, 'api.log')).length).toBe(0);
    const chunk = Buffer.from('xx one\ntwo\r\nthree\nyy');
    w.enqueueRaw(T0, 1, 'out', chunk, 3, 18, 3);
    w.enqueueSystem(T0 + 1, 1, 3, 'crashed: exited with code 1');
    w.enqueueRaw(T0 + 2, null, 'err', Buffer.from('solo\n'), 0, 5, 1);
    await w.flush();
    expect(readFileSync(join(dir, 'api.log'), 'latin1')).toBe('one\ntwo\r\nthree\nsolo\n');
    expect(await read()).toEqual([
      '0 api.1 out one',
      '0 api.1 out two',
      '0 api.1 out three',
      '1 api.1 system crashed: exited with code 1',
      '2 api err solo',
    ]);
  });

  it('rotates text and index together: each index describes its own file, no line lost or doubled', async () => {
    const w = writer(4096, 20);
    const expected: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      const lines = Array.from({ length: 5 }, (_, k) => `line ${i * 5 + k} ${'x'.repeat(40)}`);
      const bytes = Buffer.from(`${lines.join('\n')}\n`);
      w.enqueueRaw(T0 + i, i % 2, 'out', bytes, 0, bytes.length, 5);
      for (const line of lines) expected.push(`${i} api.${i % 2} out ${line}`);
      if (i % 50 === 0) await w.flush();
    }
    await w.close();
    const names = readdirSync(dir);
    expect(names.filter((name) => name.startsWith('api.idx.')).length).toBe(
      names.filter((name) => name.startsWith('api.log.')).length,
    );
    expect(names.filter((name) => name.startsWith('api.log.')).length).toBeGreaterThan(5);
    expect(await read()).toEqual(expected);
  });

  it('rotates a file of the earlier, prefixed format away whole, and both read back', async () => {
    writeFileSync(
      join(dir, 'api.log'),
      `${new Date(T0 - 5000).toISOString()} api out warn | WARN from the old version\n`,
    );
    const w = writer();
    const bytes = Buffer.from('new line\n');
    w.enqueueRaw(T0, null, 'out', bytes, 0, bytes.length, 1);
    await w.close();
    expect(readFileSync(join(dir, 'api.log'), 'latin1')).toBe('new line\n');
    expect(await read()).toEqual(['-5000 api out WARN from the old version', '0 api out new line']);
  });
});
