import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IndexDecoder, IndexedText } from '../../src/logs/log-index.js';
import type { LogEntry } from '../../src/logs/types.js';

/** The entries of `<dir>/<name>.log` and its index, as `logs` reads them (current file only). */
export function readLogPair(dir: string, name: string): LogEntry[] {
  const text = readFileSync(join(dir, `${name}.log`));
  const indexPath = join(dir, `${name}.idx`);
  const records = existsSync(indexPath) ? new IndexDecoder().push(readFileSync(indexPath)) : [];
  const reader = new IndexedText(name);
  const { entries } = reader.entries(text, 0, records);
  return [...entries, ...reader.rest(text.subarray(reader.offset), reader.offset)];
}

/** `time process stream level | text` per entry: what a test compares. */
export function pairLines(dir: string, name: string): string[] {
  return readLogPair(dir, name).map((e) => `${e.process} ${e.stream} ${e.level} | ${e.text}`);
}
