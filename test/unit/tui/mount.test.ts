import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { FakeSource, row } from './fake-source.js';

// ink reads CI once, when it is first imported, and then draws only the last frame (on exit). These
// tests drive a terminal, so ink must be loaded as it would be outside CI.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
const { mountTui } = await import('../../../src/tui/mount.js');

/** A terminal that records what is written and feeds keys. */
function terminal() {
  const written: string[] = [];
  const stdout = Object.assign(new EventEmitter(), {
    columns: 100,
    rows: 20,
    isTTY: true,
    write: (data: string, callback?: () => void) => {
      written.push(data);
      callback?.();
      return true;
    },
  });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    isRaw: false,
    data: null as string | null,
    setRawMode(mode: boolean) {
      stdin.isRaw = mode;
    },
    setEncoding: () => undefined,
    ref: () => undefined,
    unref: () => undefined,
    read() {
      const data = stdin.data;
      stdin.data = null;
      return data;
    },
    type(data: string) {
      stdin.data = data;
      stdin.emit('readable');
    },
  });
  return {
    written,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin,
    input: stdin as unknown as NodeJS.ReadStream,
  };
}

const tick = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('mountTui', () => {
  it('draws on the alternate screen, takes keys in raw mode, and gives the terminal back on close', async () => {
    const term = terminal();
    const quits: string[] = [];
    const ui = mountTui(new FakeSource([row({ name: 'api' })]), {
      stdout: term.stdout,
      stdin: term.input,
      patchConsole: false,
      onQuit: (kind) => quits.push(kind),
    });
    // The first frame comes on the UI's own schedule: wait for it rather than for a fixed time.
    await waitFor(() => term.written.join('').includes('api'), 'the first frame');
    expect(term.written[0]).toContain('\u001b[?1049h');
    expect(term.stdin.isRaw).toBe(true);
    term.stdin.type('Q');
    await waitFor(() => quits.length > 0, 'the quit key handled');
    expect(quits).toEqual(['now']);
    await ui.close();
    expect(await ui.ended).toBeNull();
    expect(term.written.at(-1)).toContain('\u001b[?1049l');
    expect(term.stdin.isRaw).toBe(false);
  });

  it('reports a crash of the UI and restores the terminal', async () => {
    const term = terminal();
    const source = new FakeSource([row({ name: 'api' })]);
    source.rows = () => {
      throw new Error('the rows are gone');
    };
    const ui = mountTui(source, {
      stdout: term.stdout,
      stdin: term.input,
      patchConsole: false,
      onQuit: () => undefined,
    });
    const error = await ui.ended;
    expect(error?.message).toBe('the rows are gone');
    await tick();
    expect(term.written.join('')).toContain('\u001b[?1049l');
    await ui.close();
  });
});

describe('mountTui, a later failure', () => {
  it('ends the UI through React, not as an uncaught exception', async () => {
    const term = terminal();
    const source = new FakeSource([row({ name: 'api' })]);
    const ui = mountTui(source, {
      stdout: term.stdout,
      stdin: term.input,
      patchConsole: false,
      onQuit: () => undefined,
    });
    await tick();
    source.rows = () => {
      throw new Error('lost the supervisor');
    };
    source.setRows([]);
    const error = await ui.ended;
    expect(error?.message).toBe('lost the supervisor');
    await ui.close();
  });
});
