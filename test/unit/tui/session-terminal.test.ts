import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LogOutputEvent } from '../../../src/core/events.js';
import { LineBatch } from '../../../src/core/line-batch.js';
import { Notices } from '../../../src/tui/notices.js';
import { SessionNotices } from '../../../src/tui/session-printer.js';
import { isCi, shouldUseTui } from '../../../src/tui/should-use.js';
import { enterScreen } from '../../../src/tui/terminal.js';

function output(process: string, ...texts: string[]): LogOutputEvent {
  return {
    process,
    name: process,
    instance: null,
    stream: 'out',
    lines: LineBatch.fromTexts(texts),
    time: 1,
  };
}

describe('SessionNotices', () => {
  it('turns session messages, errors, health problems and warnings into notices', () => {
    const notices = new Notices(50, () => 5);
    const printer = new SessionNotices(notices);
    printer.output(output('a', 'hello'));
    printer.message('starting shop', 1);
    printer.health({ process: 'api', from: 'unknown', to: 'healthy', reason: 'ok', time: 2 });
    printer.health({ process: 'api', from: 'healthy', to: 'unhealthy', reason: 'HTTP 500', time: 3 });
    printer.warning({ process: 'api', kind: 'leak', message: 'RSS rising', time: 4 });
    printer.error({
      error: new Error('disk full'),
      context: { processId: 'api', operation: 'write log', severity: 'warning' },
      time: 5,
    });
    expect(notices.list().map((notice) => [notice.level, notice.text])).toEqual([
      ['info', 'starting shop'],
      ['warn', 'api is unhealthy: HTTP 500'],
      ['warn', 'api: leak: RSS rising'],
      ['error', 'warning during write log: api: disk full'],
    ]);
    expect(printer.recent()).toHaveLength(4);
  });

  it('hands everything to the plain printer once switched', async () => {
    const notices = new Notices();
    const printer = new SessionNotices(notices);
    const seen: string[] = [];
    printer.switchToPlain({
      output: (event) => seen.push(`output ${event.lines.texts().join(',')}`),
      state: () => seen.push('state'),
      health: () => seen.push('health'),
      error: () => seen.push('error'),
      warning: () => seen.push('warning'),
      message: (text) => seen.push(`message ${text}`),
      flush: async () => {
        seen.push('flush');
      },
    });
    printer.output(output('a', 'x', 'y'));
    printer.message('bye');
    await printer.flush();
    expect(seen).toEqual(['output x,y', 'message bye', 'flush']);
    expect(notices.list()).toEqual([]);
  });
});

describe('enterScreen', () => {
  it('switches to the alternate screen and restores the terminal once, raw mode included', () => {
    const written: string[] = [];
    const raw: boolean[] = [];
    const stdin = {
      isTTY: true,
      isRaw: true,
      setRawMode: (mode: boolean) => {
        raw.push(mode);
      },
    };
    const exitListeners = process.listenerCount('exit');
    const screen = enterScreen({ write: (data: string) => written.push(data) > 0 } as never, stdin as never);
    expect(written[0]).toContain('\u001b[?1049h');
    expect(written[0]).toContain('\u001b[?1000h');
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);
    screen.restore();
    screen.restore();
    expect(written).toHaveLength(2);
    expect(written[1]).toContain('\u001b[?1049l');
    expect(written[1]).toContain('\u001b[?25h');
    expect(written[1]).toContain('\u001b[?1000l');
    expect(raw).toEqual([false]);
    expect(process.listenerCount('exit')).toBe(exitListeners);
  });

  it('leaves the mouse alone when asked to', () => {
    const written: string[] = [];
    const screen = enterScreen(
      { write: (data: string) => written.push(data) > 0 } as never,
      {},
      { mouse: false },
    );
    screen.restore();
    expect(written.join('')).not.toContain('\u001b[?1000');
  });
});

describe('shouldUseTui', () => {
  it('needs two terminals, no --no-tui and no CI', () => {
    const tty = { isTTY: true };
    expect(shouldUseTui(undefined, tty, tty, {})).toBe(true);
    expect(shouldUseTui(false, tty, tty, {})).toBe(false);
    expect(shouldUseTui(undefined, {}, tty, {})).toBe(false);
    expect(shouldUseTui(undefined, tty, { isTTY: false }, {})).toBe(false);
    expect(shouldUseTui(undefined, tty, tty, { CI: 'true' })).toBe(false);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ CONTINUOUS_INTEGRATION: '1' })).toBe(true);
  });
});

describe('enterScreen on a crash', () => {
  it('gives the terminal back before Node prints the uncaught error', () => {
    const terminal = fileURLToPath(new URL('../../../src/tui/terminal.ts', import.meta.url));
    const script = `import { enterScreen } from ${JSON.stringify(terminal)};
      enterScreen(process.stdout, process.stdin);
      setTimeout(() => { throw new Error('boom in the UI'); }, 0);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.status).toBe(1);
    expect(child.stdout.startsWith('\u001b[?1049h')).toBe(true);
    expect(child.stdout.endsWith('\u001b[?25h\u001b[?1049l')).toBe(true);
    expect(child.stderr).toContain('boom in the UI');
  });
});
