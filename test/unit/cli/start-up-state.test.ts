import { describe, expect, it } from 'vitest';
import { failedToStart, startUpState } from '../../../src/cli/commands/up-detached.js';
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
  it('waits for every replica of a process with readiness checks (rows are web.1, web.2)', () => {
    const replica = (n: number, status: string) => ({
      ...row('web', status, 5000),
      instance: n,
      process: `web.${n}`,
    });
    expect(startUpState([replica(1, 'ready'), replica(2, 'running')], new Set(['web'])).started).toBe(1);
  });

  it("--wait (compose's): a process with a health check is waited for until healthy or unhealthy", () => {
    const health = (name: string, value: string) => ({ ...row(name, 'ready', 5000), health: value });
    const rows = [health('db', 'unknown'), health('cache', 'healthy'), health('sick', 'unhealthy')];
    const all = new Set(['db', 'cache', 'sick']);
    expect(startUpState(rows, new Set(), all).started).toBe(2);
    expect(startUpState(rows, new Set()).started).toBe(3);
  });

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

  it('counts a crash-looping process (restart: always) as done starting, and failed', () => {
    const looping = [
      { ...row('spawning-again', 'starting'), restarts: 40 },
      { ...row('waiting', 'backoff'), restarts: 41 },
      { ...row('briefly-up', 'running', 30), restarts: 42 },
    ];
    expect(startUpState(looping, new Set())).toMatchObject({ total: 3, started: 3 });
    expect(looping.every(failedToStart)).toBe(true);
  });

  it('counts one that crashed once and then stayed up as started, not failed', () => {
    const recovered = { ...row('late-db-client', 'running', 1500), restarts: 1 };
    expect(startUpState([recovered], new Set())).toMatchObject({ total: 1, started: 1 });
    expect(failedToStart(recovered)).toBe(false);
  });
});
