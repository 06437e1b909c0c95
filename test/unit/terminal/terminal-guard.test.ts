import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { onFirstGet, TerminalGuard } from '../../../src/terminal/terminal-guard.js';

const guards: TerminalGuard[] = [];
afterEach(() => {
  for (const guard of guards.splice(0)) guard.dispose();
});

function guarded(): { guard: TerminalGuard; stdout: PassThrough; stderr: PassThrough; stdin: PassThrough } {
  const streams = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
  const guard = new TerminalGuard(streams);
  guards.push(guard);
  return { guard, ...streams };
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`write ${code}`), { code, syscall: 'write' });
}

describe('TerminalGuard', () => {
  it('turns EPIPE on stdout into one "lost" notice instead of an uncaught error', () => {
    const { guard, stdout } = guarded();
    const reasons: string[] = [];
    guard.onLost((reason) => reasons.push(reason));
    stdout.emit('error', errno('EPIPE'));
    stdout.emit('error', errno('EPIPE'));
    expect(reasons).toEqual(['the output pipe was closed (EPIPE)']);
    expect(guard.lost).toBe('the output pipe was closed (EPIPE)');
  });

  it('reports EIO on stderr or stdin as the terminal going away', () => {
    const { guard, stdin } = guarded();
    const reasons: string[] = [];
    guard.onLost((reason) => reasons.push(reason));
    stdin.emit('error', errno('EIO'));
    expect(reasons).toEqual(['the terminal went away (EIO)']);
  });

  it('tells a late listener at once, and calls the fallback only when nobody listens', () => {
    const { guard, stderr } = guarded();
    const fallback: string[] = [];
    guard.setFallback((reason) => fallback.push(reason));
    stderr.emit('error', errno('EPIPE'));
    expect(fallback).toHaveLength(1);
    const late: string[] = [];
    guard.onLost((reason) => late.push(reason));
    expect(late).toHaveLength(1);
  });

  it('no longer listens once disposed', () => {
    const { guard, stdout } = guarded();
    guard.dispose();
    expect(stdout.listenerCount('error')).toBe(0);
  });
});

describe('TerminalGuard and hang-ups', () => {
  it('counts SIGHUP and EIO as the terminal hanging up, EPIPE not', () => {
    const pipe = guarded();
    pipe.stdout.emit('error', errno('EPIPE'));
    expect(pipe.guard.hungUp).toBe(false);
    const tty = guarded();
    tty.stdout.emit('error', errno('EIO'));
    expect(tty.guard.hungUp).toBe(true);
  });
});

describe('onFirstGet (how the process guard meets its stdin)', () => {
  it('waits for the first read of a lazy getter, calls back once, and leaves the getter as it was', () => {
    let made = 0;
    const target = {} as { stdin: { n: number } };
    const descriptor = {
      configurable: true,
      enumerable: true,
      get: () => {
        made += 1;
        return { n: made };
      },
    };
    Object.defineProperty(target, 'stdin', descriptor);
    const seen: unknown[] = [];
    onFirstGet(target, 'stdin', (value) => seen.push(value));
    expect(made).toBe(0);
    expect(seen).toEqual([]);
    const first = target.stdin;
    expect(seen).toEqual([first]);
    expect(target.stdin).toEqual({ n: 2 });
    expect(seen).toHaveLength(1);
    expect(Object.getOwnPropertyDescriptor(target, 'stdin')?.get).toBe(descriptor.get);
  });

  it('calls back at once for a plain value', () => {
    const target = { stdin: 'there' };
    const seen: string[] = [];
    onFirstGet(target, 'stdin', (value) => seen.push(value));
    expect(seen).toEqual(['there']);
  });
});
