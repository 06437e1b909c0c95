import { describe, expect, it } from 'vitest';
import { startUpState } from '../../../src/cli/commands/up-detached.js';
import type { ProcessRow } from '../../../src/supervisor/process-rows.js';

function row(name: string, status: string, uptime: number | null = null): ProcessRow {
  return {
    name,
    instance: null,
    process: name,
    type: 'service',
    status,
    health: 'unknown',
    pid: null,
    restarts: 0,
    uptime_ms: uptime,
    cpu: null,
    memory: null,
    ports: [],
    group: null,
    tags: [],
    branch: null,
    reason: null,
    stopping: null,
  };
}

describe('startUpState (what `up -d` waits for)', () => {
  it('counts pending, starting, not-yet-ready and just-started processes as still starting', () => {
    const state = startUpState(
      [
        row('db', 'ready', 5000),
        row('api', 'running', 5000),
        row('web', 'running', 5000),
        row('fresh', 'running', 200),
        row('queued', 'pending'),
        row('spawning', 'starting'),
        row('failed', 'failed'),
        row('left-alone', 'stopped'),
      ],
      new Set(['db', 'web']),
    );
    // web runs but has readiness checks it has not passed; fresh may still exit at once.
    expect(state).toMatchObject({ total: 7, started: 3 });
  });

  it('changes its signature whenever a process changes state or restarts', () => {
    const before = startUpState([row('a', 'running', 2000)], new Set());
    const after = startUpState([{ ...row('a', 'running', 2000), restarts: 1 }], new Set());
    expect(before.signature).not.toBe(after.signature);
  });
});
