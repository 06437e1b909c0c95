import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../../src/core/emitter.js';
import type { ManagerEvents } from '../../../src/core/events.js';
import { SupervisorLog } from '../../../src/supervisor/supervisor-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function logIn(options: { maxSize?: number; keep?: number } = {}): {
  log: SupervisorLog;
  path: string;
  errors: Error[];
} {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-slog-'));
  dirs.push(dir);
  const path = join(dir, 'ovrseer.log');
  const errors: Error[] = [];
  return {
    log: new SupervisorLog({ path, ...options, onError: (error) => errors.push(error) }),
    path,
    errors,
  };
}

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 6);

describe('SupervisorLog', () => {
  it("writes the engine's state, health, warning and error events in the log file format", async () => {
    const { log, path, errors } = logIn();
    const emitter = new TypedEmitter<ManagerEvents>(() => undefined);
    log.attach(emitter);
    emitter.emit('state', {
      process: 'api',
      name: 'api',
      instance: null,
      from: 'running',
      to: 'crashed',
      reason: 'exited with code 1; last output: a\nb',
      time: T,
      pid: 1,
      exitCode: 1,
      signal: null,
    });
    emitter.emit('health', { process: 'api', from: 'healthy', to: 'unhealthy', reason: 'http 500', time: T });
    emitter.emit('warning', { process: 'worker.2', kind: 'leak', message: 'RSS up 10 MB/min', time: T });
    emitter.emit('error', {
      error: new Error('EACCES'),
      context: { operation: 'kill', severity: 'critical', processId: 'db' },
      time: T,
    });
    log.note('shutdown requested through the API');
    // Output is never copied here: the log has no listener for it.
    await log.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '2026-01-02T03:04:05.006Z api system error | crashed: exited with code 1; last output: a ⏎ b',
      '2026-01-02T03:04:05.006Z api system warn | unhealthy: http 500',
      '2026-01-02T03:04:05.006Z worker.2 system warn | leak: RSS up 10 MB/min',
      '2026-01-02T03:04:05.006Z db system error | critical during kill: EACCES',
    ]);
    expect(lines[4]).toMatch(/^\S+Z ovrseer system info \| shutdown requested through the API$/);
    expect(errors).toEqual([]);
  });

  it('is rotated by size and keeps only `keep` old files', async () => {
    const { log, path } = logIn({ maxSize: 10_000, keep: 2 });
    for (let batch = 0; batch < 10; batch += 1) {
      for (let i = 0; i < 100; i += 1) log.note(`event ${batch}-${i} ${'x'.repeat(60)}`);
      await log.flush();
    }
    await log.close();
    expect(statSync(path).size).toBeLessThanOrEqual(10_000);
    expect(existsSync(`${path}.1.gz`)).toBe(true);
    expect(existsSync(`${path}.2.gz`)).toBe(true);
    expect(existsSync(`${path}.3.gz`)).toBe(false);
  });
});
