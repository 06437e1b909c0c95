import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ErrorSeverity } from '../../../src/core/events.js';
import type { CrashReport, CrashReportInput } from '../../../src/reports/types.js';
import { processSpec } from '../core/spec-builder.js';

/** 2026-11-22T00:45:12.000Z */
export const T0 = Date.UTC(2026, 10, 22, 0, 45, 12);

export function reportInput(overrides: Partial<CrashReportInput> = {}): CrashReportInput {
  const name = overrides.name ?? overrides.process ?? 'api';
  return {
    type: 'crash',
    process: name,
    name,
    instance: null,
    time: T0,
    reason: 'exited with code 1',
    exitCode: 1,
    signal: null,
    restartHistory: [],
    lines: [
      { time: T0 - 20, stream: 'out', text: 'listening on 3000' },
      { time: T0 - 10, stream: 'err', text: 'Error: boom' },
    ],
    spec: processSpec(name, {
      command: { kind: 'argv', argv: ['node', 'server.js'] },
      env: { PORT: '3000' },
    }),
    env: { PORT: '3000', PATH: '/usr/bin' },
    ...overrides,
  };
}

export interface RecordedError {
  error: Error;
  operation: string;
  severity: ErrorSeverity;
}

export function errorRecorder(): {
  errors: RecordedError[];
  onError: (error: Error, context: { operation: string; severity: ErrorSeverity }) => void;
} {
  const errors: RecordedError[] = [];
  return { errors, onError: (error, context) => errors.push({ error, ...context }) };
}

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-reports-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Every entry of `dir`, temp files included, sorted. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

export function readReportFile(path: string): { json: string; report: CrashReport } {
  const json = gunzipSync(readFileSync(path)).toString('utf8');
  return { json, report: JSON.parse(json) as CrashReport };
}

/** Root ignores directory permissions, so "read-only" needs another way to fail there. */
export const IS_ROOT = process.getuid?.() === 0;
