import { describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../../../src/config/spec.js';
import { LogProbe } from '../../../src/core/probes/log-probe.js';
import type { ProbeContext } from '../../../src/core/probes/probe.js';

type LogSpec = Extract<ProbeSpec, { kind: 'log' }>;

function logSpec(pattern: string, overrides: Partial<Omit<LogSpec, 'kind' | 'pattern'>> = {}): LogSpec {
  return { kind: 'log', pattern, flags: '', notFoundMeansHealthy: false, ...overrides };
}

/** A process's output as the probe sees it: `emit` plays a line to every current subscriber. */
class FakeOutput implements ProbeContext {
  readonly listeners = new Set<(text: string) => void>();
  readonly env = {};
  readonly cwd = '/tmp';

  onLine(listener: (text: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(...lines: string[]): void {
    for (const line of lines) for (const listener of this.listeners) listener(line);
  }
}

const signal = new AbortController().signal;

describe('LogProbe', () => {
  it('describes itself as log /pattern/flags', () => {
    expect(new LogProbe(logSpec('ready'), new FakeOutput()).description).toBe('log /ready/');
    expect(new LogProbe(logSpec('^up$', { flags: 'im' }), new FakeOutput()).description).toBe('log /^up$/im');
  });

  it('subscribes to the output at creation', () => {
    const output = new FakeOutput();
    new LogProbe(logSpec('x'), output);
    expect(output.listeners.size).toBe(1);
  });

  it('fails until a matching line is printed, then passes with the line', async () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('listening on port \\d+'), output);
    expect(await probe.check(signal)).toEqual({
      ok: false,
      message: 'no line matched /listening on port \\d+/ yet',
    });
    output.emit('booting', 'loading config');
    expect((await probe.check(signal)).ok).toBe(false);
    output.emit('server listening on port 8080');
    expect(await probe.check(signal)).toEqual({
      ok: true,
      message: 'matched: server listening on port 8080',
    });
  });

  it('keeps passing once matched, whatever comes later', async () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('ready'), output);
    output.emit('ready', 'error: something', 'more');
    expect(await probe.check(signal)).toEqual({ ok: true, message: 'matched: ready' });
  });

  it('matches with ANSI codes stripped, and reports the plain line', async () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('^Server ready$'), output);
    output.emit('\u001b[32mServer\u001b[39m \u001b[1mready\u001b[22m');
    expect(await probe.check(signal)).toEqual({ ok: true, message: 'matched: Server ready' });
  });

  it('does not match text that only appears inside an escape code', async () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('32m'), output);
    output.emit('\u001b[32mgreen\u001b[39m');
    expect((await probe.check(signal)).ok).toBe(false);
  });

  it('honours flags', async () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('READY', { flags: 'i' }), output);
    output.emit('service is ready');
    expect((await probe.check(signal)).ok).toBe(true);
  });

  it('ignores the stateful g and y flags, matching anywhere in any line', async () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('ready', { flags: 'gy' }), output);
    output.emit('not yet');
    expect(await probe.check(signal)).toEqual({ ok: false, message: 'no line matched /ready/ yet' });
    // A sticky regex would only match at lastIndex 0 of this line.
    output.emit('now ready');
    expect(await probe.check(signal)).toEqual({ ok: true, message: 'matched: now ready' });
  });

  it('cuts a very long matched line to 200 characters in its message', async () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('^ready'), output);
    output.emit(`ready ${'x'.repeat(300)}`);
    const result = await probe.check(signal);
    expect(result.message).toBe(`matched: ${`ready ${'x'.repeat(300)}`.slice(0, 200)}…`);
  });

  it('notifies subscribers on the first match only', () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('ready'), output);
    const calls: string[] = [];
    probe.subscribe(() => calls.push('one'));
    probe.subscribe(() => calls.push('two'));
    output.emit('starting');
    expect(calls).toEqual([]);
    output.emit('ready');
    expect(calls).toEqual(['one', 'two']);
    output.emit('ready again');
    expect(calls).toEqual(['one', 'two']);
  });

  it('does not notify a subscriber that unsubscribed', () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('ready'), output);
    let calls = 0;
    const unsubscribe = probe.subscribe(() => {
      calls += 1;
    });
    unsubscribe();
    output.emit('ready');
    expect(calls).toBe(0);
  });

  it('lets a subscriber see the new result from inside its notification', async () => {
    const output = new FakeOutput();
    const probe = new LogProbe(logSpec('ready'), output);
    const seen: Promise<boolean>[] = [];
    probe.subscribe(() => seen.push(probe.check().then((r) => r.ok)));
    output.emit('ready');
    expect(await Promise.all(seen)).toEqual([true]);
  });

  describe('notFoundMeansHealthy', () => {
    it('passes while no line matched and fails from the first matching line on', async () => {
      const output = new FakeOutput();
      const probe = new LogProbe(logSpec('FATAL', { notFoundMeansHealthy: true }), output);
      output.emit('all good');
      expect(await probe.check(signal)).toEqual({ ok: true, message: 'no line matched /FATAL/' });
      output.emit('\u001b[31mFATAL: out of memory\u001b[0m');
      expect(await probe.check(signal)).toEqual({
        ok: false,
        message: 'line matched /FATAL/: FATAL: out of memory',
      });
      output.emit('all good again');
      expect((await probe.check(signal)).ok).toBe(false);
    });

    it('notifies subscribers when the matching line arrives', () => {
      const output = new FakeOutput();
      const probe = new LogProbe(logSpec('FATAL', { notFoundMeansHealthy: true }), output);
      let calls = 0;
      probe.subscribe(() => {
        calls += 1;
      });
      output.emit('fine');
      expect(calls).toBe(0);
      output.emit('FATAL');
      expect(calls).toBe(1);
    });
  });

  describe('dispose', () => {
    it('unsubscribes from the output, so later lines are not seen', async () => {
      const output = new FakeOutput();
      const probe = new LogProbe(logSpec('ready'), output);
      probe.dispose();
      expect(output.listeners.size).toBe(0);
      output.emit('ready');
      expect((await probe.check(signal)).ok).toBe(false);
    });

    it('drops the subscribers', () => {
      // A context whose unsubscriber does nothing: lines keep reaching the probe after dispose.
      const listeners: ((text: string) => void)[] = [];
      const leaky: ProbeContext = {
        onLine: (listener) => {
          listeners.push(listener);
          return () => undefined;
        },
        env: {},
        cwd: '/tmp',
      };
      const probe = new LogProbe(logSpec('ready'), leaky);
      let calls = 0;
      probe.subscribe(() => {
        calls += 1;
      });
      probe.dispose();
      for (const listener of listeners) listener('ready');
      expect(listeners).toHaveLength(1);
      expect(calls).toBe(0);
    });

    it('keeps an earlier match after dispose', async () => {
      const output = new FakeOutput();
      const probe = new LogProbe(logSpec('ready'), output);
      output.emit('ready');
      probe.dispose();
      expect((await probe.check(signal)).ok).toBe(true);
    });
  });
});
