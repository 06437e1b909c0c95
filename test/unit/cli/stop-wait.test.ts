import { describe, expect, it } from 'vitest';
import { describeWait, WaitNotice } from '../../../src/cli/stop-wait.js';
import type { ProcessRow, StopProgressRow } from '../../../src/supervisor/process-rows.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { row } from '../tui/fake-source.js';

const stopping = (name: string, progress: StopProgressRow | null, reason = 'stop requested'): ProcessRow =>
  row({ name, status: 'stopping', reason, stopping: progress });

const sigterm = (elapsed: number): StopProgressRow => ({
  elapsed_ms: elapsed,
  signal: 'SIGTERM',
  signal_ms: elapsed,
  kill_after_ms: 10_000,
});

describe('describeWait', () => {
  it('says which process is stopping, the signal sent and when SIGKILL follows', () => {
    expect(describeWait([row({ name: 'db' }), stopping('api', sigterm(1042))], 'stop')?.text).toBe(
      'waiting for api (stopping: SIGTERM sent 1.0s ago; SIGKILL at 10s)',
    );
  });

  it('tells a running stop command and a SIGKILL already sent apart', () => {
    const command = stopping('api', { elapsed_ms: 1500, signal: null, signal_ms: null, kill_after_ms: 3000 });
    expect(describeWait([command], 'stop')?.text).toBe(
      'waiting for api (stopping: stop command started 1.5s ago; SIGKILL at 3s)',
    );
    const killed = stopping('api', {
      elapsed_ms: 3100,
      signal: 'SIGKILL',
      signal_ms: 100,
      kill_after_ms: 3000,
    });
    expect(describeWait([killed], 'stop')?.text).toBe('waiting for api (stopping: SIGKILL sent 0.1s ago)');
  });

  it('falls back on the reason when the supervisor does not report progress', () => {
    expect(describeWait([stopping('api', null, 'shutting down')], 'down')?.text).toBe(
      'waiting for api (stopping: shutting down)',
    );
  });

  it('names three and counts the rest', () => {
    const rows = ['a', 'b', 'c', 'd', 'e'].map((name) => stopping(name, sigterm(2000)));
    expect(describeWait(rows, 'down')?.text).toMatch(/^waiting for a \(.*\), b \(.*\), c \(.*\) and 2 more$/);
  });

  it('for down: then the running cleanup processes, then whatever still runs', () => {
    const cleanup = row({ name: 'teardown', type: 'cleanup', status: 'running', uptime_ms: 2500 });
    expect(describeWait([row({ name: 'api', status: 'stopped' }), cleanup], 'down')?.text).toBe(
      'waiting for cleanup teardown (running for 2.5s)',
    );
    expect(describeWait([row({ name: 'api' }), row({ name: 'db' })], 'down')?.text).toBe(
      'waiting for 2 processes to stop: api, db',
    );
    expect(describeWait([row({ name: 'api' })], 'stop')).toBeNull();
    expect(describeWait([row({ name: 'api', status: 'stopped' })], 'down')).toBeNull();
  });

  it('keys a description by what is waited for, not by its times', () => {
    const early = describeWait([stopping('api', sigterm(1000))], 'stop');
    const later = describeWait([stopping('api', sigterm(4000))], 'stop');
    expect(early?.key).toBe(later?.key);
    const killed = stopping('api', { ...sigterm(10_100), signal: 'SIGKILL', signal_ms: 100 });
    expect(describeWait([killed], 'stop')?.key).not.toBe(early?.key);
  });
});

class Output {
  text = '';
  constructor(readonly isTTY: boolean) {}
  columns = 100;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

function notice(isTTY: boolean, answers: (ProcessRow[] | null)[]) {
  const clock = new FakeClock();
  const out = new Output(isTTY);
  let asked = 0;
  const wait = new WaitNotice({
    out: out as unknown as NodeJS.WritableStream,
    kind: 'down',
    clock,
    rows: async () => {
      const answer = answers[Math.min(asked, answers.length - 1)] ?? null;
      asked += 1;
      return answer;
    },
  });
  return { clock, out, wait, asked: () => asked };
}

describe('WaitNotice', () => {
  it('says nothing, and asks nothing, when the wait ends within a second', async () => {
    const { clock, out, wait, asked } = notice(true, [[stopping('api', sigterm(500))]]);
    wait.start();
    await clock.advanceAsync(999);
    await wait.stop();
    await clock.advanceAsync(5000);
    expect(out.text).toBe('');
    expect(asked()).toBe(0);
  });

  it('on a terminal rewrites one line every second and erases it at the end', async () => {
    const { clock, out, wait } = notice(true, [
      [stopping('api', sigterm(1000))],
      [stopping('api', sigterm(2000))],
    ]);
    wait.start();
    await clock.advanceAsync(1000);
    await clock.advanceAsync(1000);
    await wait.stop();
    expect(out.text).toBe(
      '\r\x1b[Kwaiting for api (stopping: SIGTERM sent 1.0s ago; SIGKILL at 10s)' +
        '\r\x1b[Kwaiting for api (stopping: SIGTERM sent 2.0s ago; SIGKILL at 10s)' +
        '\r\x1b[K',
    );
  });

  it('elsewhere prints a plain line, and a new one only when what it waits for changes', async () => {
    const { clock, out, wait } = notice(false, [
      [stopping('api', sigterm(1000))],
      [stopping('api', sigterm(2000))],
      [stopping('api', { ...sigterm(10_000), signal: 'SIGKILL', signal_ms: 0 })],
      null,
    ]);
    wait.start();
    for (let second = 0; second < 4; second += 1) await clock.advanceAsync(1000);
    await wait.stop();
    expect(out.text).toBe(
      'waiting for api (stopping: SIGTERM sent 1.0s ago; SIGKILL at 10s)\n' +
        'waiting for api (stopping: SIGKILL sent 0.0s ago)\n' +
        'waiting for the supervisor to exit\n',
    );
  });
});
