import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../helpers/fake-clock.js';

// A pretend process group: alive until SIGKILL or `groupEnds`; every signal sent is recorded.
const group = vi.hoisted(() => ({ alive: true, sent: [] as string[] }));
vi.mock('../../../src/core/kill.js', () => ({
  signalGroup: (_pgid: number, signal: NodeJS.Signals | 0) => {
    if (signal !== 0) group.sent.push(signal);
    if (signal === 'SIGKILL') group.alive = false;
    return group.alive;
  },
  isGroupAlive: () => group.alive,
  isPidAlive: () => false,
  signalPid: () => false,
  findMarkedProcesses: async () => [],
}));
const { endGroup } = await import('../../../src/core/terminate.js');

describe('endGroup with a stop command', () => {
  beforeEach(() => {
    group.alive = true;
    group.sent = [];
  });

  function stop(
    clock: FakeClock,
    commandOnly: boolean,
    command: () => Promise<void>,
    leaderExited: Promise<unknown> = new Promise(() => undefined),
  ) {
    return endGroup({
      pgid: 4242,
      signal: 'SIGTERM',
      timeout: 3000,
      leaderExited,
      force: false,
      clock,
      beforeSignal: command,
      commandOnly,
    });
  }

  it('commandOnly: no signal; the process ending after the command is not killed', async () => {
    const clock = new FakeClock();
    let leaderExits = (): void => undefined;
    const leaderExited = new Promise<void>((resolve) => {
      leaderExits = resolve;
    });
    // The command ends the process itself (as `nginx -s quit` does), a moment after it returns.
    const ended = stop(
      clock,
      true,
      async () => {
        clock.setTimeout(() => {
          group.alive = false;
          leaderExits();
        }, 500);
      },
      leaderExited,
    );
    await clock.advanceAsync(1000);
    expect(await ended).toEqual({ escalated: false });
    expect(group.sent).toEqual([]);
  });

  it('commandOnly: SIGKILL, and only SIGKILL, at the timeout counted from the start of the stop', async () => {
    const clock = new FakeClock();
    let commandDoneAt = -1;
    const ended = stop(clock, true, async () => {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 1000));
      commandDoneAt = clock.now();
    });
    await clock.advanceAsync(2990);
    expect(commandDoneAt).toBe(1000);
    expect(group.sent).toEqual([]);
    await clock.advanceAsync(20);
    expect(await ended).toEqual({ escalated: true });
    expect(group.sent).toEqual(['SIGKILL']);
  });

  it('without commandOnly the signal follows the command at once, with SIGCONT for a paused group', async () => {
    const clock = new FakeClock();
    const ended = stop(clock, false, async () => undefined);
    await clock.advanceAsync(0);
    expect(group.sent).toEqual(['SIGTERM', 'SIGCONT']);
    await clock.advanceAsync(3010);
    expect(await ended).toEqual({ escalated: true });
    expect(group.sent).toEqual(['SIGTERM', 'SIGCONT', 'SIGKILL']);
  });
});
