/** Part of `bench/logs.ts`: a 1 GB flood through `ovrseer up`, watching the supervisor's memory and disk. */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IndexDecoder } from '../src/logs/log-index.js';
import { memoryOf } from './proc.js';
import type { BenchRow } from './report.js';
import { row } from './report.js';

const FLOOD = fileURLToPath(new URL('../test/fixtures/log-flood.mjs', import.meta.url));
const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const GB = 1024 ** 3;
const MB = 1024 ** 2;

function dirSize(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** 1 GB of output (1000-byte lines) through `ovrseer up`, stdout to /dev/null; defaults for rotation. */
export async function benchFlood(dir: string): Promise<BenchRow[]> {
  const lines = Math.round(GB / 1000);
  writeFileSync(
    join(dir, 'ovrseer.yml'),
    `name: bench-flood\nprocesses:\n  flood:\n    command: ${JSON.stringify([process.execPath, FLOOD, String(lines), '999'])}\n    restart: { policy: "no" }\n`,
  );
  rmSync(join(dir, '.ovrseer'), { recursive: true, force: true });
  const devNull = openSync('/dev/null', 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'up', '--no-tui'], {
    cwd: dir,
    stdio: ['ignore', devNull, 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let peak = 0;
  let hwm = 0;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!done) {
    const sample = child.pid === undefined ? null : memoryOf(child.pid);
    if (sample !== null) {
      peak = Math.max(peak, sample.rss);
      hwm = Math.max(hwm, sample.hwm);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const code = await exited;
  closeSync(devNull);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`ovrseer up exited ${code}: ${stderr.slice(-2000)}`);
  const logDir = join(dir, '.ovrseer', 'logs');
  const diskUse = dirSize(logDir);
  const bound = (5 + 1) * 10 * MB;
  // ovrseer's notices are in the index beside each text file.
  const dropNotices = readdirSync(logDir)
    .filter((name) => name.endsWith('.idx'))
    .reduce(
      (sum, name) =>
        sum +
        new IndexDecoder()
          .push(readFileSync(join(logDir, name)))
          .filter((record) => record.kind === 'system' && /lines? dropped/.test(record.text)).length,
      0,
    );
  return [
    row('1 GB flood via `ovrseer up`: wall time', seconds, 's'),
    row(
      '1 GB flood: supervisor peak RSS (VmHWM)',
      Math.max(peak, hwm) / MB,
      'MB',
      '< 150 MB',
      Math.max(peak, hwm) < 150 * MB,
    ),
    row(
      '1 GB flood: log directory after (max_size 10MB, keep 5)',
      diskUse / MB,
      'MB',
      `<= ${bound / MB} MB`,
      diskUse <= bound,
    ),
    row('1 GB flood: "lines dropped" notices in the current file', dropNotices, ''),
  ];
}
