import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { LogLineEvent, StateChangeEvent } from '../../../src/core/events.js';
import { LineBatch } from '../../../src/core/line-batch.js';
import { LineSplitter } from '../../../src/core/line-splitter.js';
import type { ProcessState } from '../../../src/core/states.js';
import { Printer, type PrinterOptions } from '../../../src/terminal/printer.js';

/** 03:04:05 local time, whatever the test machine's time zone. */
const T = new Date(2024, 0, 2, 3, 4, 5).getTime();
const T2 = new Date(2024, 0, 2, 23, 59, 9).getTime();
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape codes is the point
const ANSI = /\u001b\[/;

class Sink extends Writable {
  readonly writes: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writes.push(chunk.toString('utf8'));
    callback();
  }

  get text(): string {
    return this.writes.join('');
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }
}

const instances = [
  { id: 'api', name: 'api' },
  { id: 'worker.1', name: 'worker' },
  { id: 'worker.10', name: 'worker' },
];

function printer(options: Partial<PrinterOptions> = {}): { out: Sink; printer: Printer } {
  const out = new Sink();
  return { out, printer: new Printer({ out, color: false, instances, ...options }) };
}

function logLine(overrides: Partial<LogLineEvent> = {}): LogLineEvent {
  return { process: 'api', name: 'api', instance: null, stream: 'out', text: 'hello', time: T, ...overrides };
}

function stateChange(
  to: ProcessState,
  reason: string,
  overrides: Partial<StateChangeEvent> = {},
): StateChangeEvent {
  return {
    process: 'api',
    name: 'api',
    instance: null,
    from: 'running',
    to,
    reason,
    time: T,
    pid: 1234,
    exitCode: null,
    signal: null,
    ...overrides,
  };
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Printer', () => {
  it('prints HH:MM:SS name | line', async () => {
    const { out, printer: p } = printer();
    p.log(logLine({ text: 'listening on :3000' }));
    await p.flush();
    expect(out.text).toBe('03:04:05 api       | listening on :3000\n');
  });

  it('pads every name to the longest instance id', async () => {
    const { out, printer: p } = printer();
    p.log(logLine({ process: 'api', name: 'api', text: 'a', time: T }));
    p.log(logLine({ process: 'worker.1', name: 'worker', instance: 1, text: 'b', time: T2 }));
    p.log(logLine({ process: 'worker.10', name: 'worker', instance: 10, text: 'c', time: T2 }));
    await p.flush();
    expect(out.lines).toEqual(['03:04:05 api       | a', '23:59:09 worker.1  | b', '23:59:09 worker.10 | c']);
  });

  it('never pads narrower than its own name, ovrseer', async () => {
    const { out, printer: p } = printer({ instances: [{ id: 'a', name: 'a' }] });
    p.log(logLine({ process: 'a', name: 'a', text: 'x' }));
    p.message('hello', T);
    await p.flush();
    expect(out.lines).toEqual(['03:04:05 a       | x', '03:04:05 ovrseer * hello']);
  });

  it('does not cut an id longer than the column', async () => {
    const { out, printer: p } = printer({ instances: [{ id: 'a', name: 'a' }] });
    p.log(logLine({ process: 'surprisingly-long', name: 'surprisingly-long', text: 'x' }));
    await p.flush();
    expect(out.lines).toEqual(['03:04:05 surprisingly-long | x']);
  });

  it('marks ovrseer system lines about a process with *', async () => {
    const { out, printer: p } = printer();
    p.log(logLine({ stream: 'system', text: 'note' }));
    p.log(logLine({ stream: 'err', text: 'oops' }));
    await p.flush();
    expect(out.lines).toEqual(['03:04:05 api       * note', '03:04:05 api       | oops']);
  });

  it('prints the line text untouched (no trimming, other characters kept)', async () => {
    const { out, printer: p } = printer();
    p.log(logLine({ text: '  indented | with pipe  ' }));
    p.log(logLine({ text: '' }));
    await p.flush();
    expect(out.text).toBe('03:04:05 api       |   indented | with pipe  \n03:04:05 api       | \n');
  });

  describe('output batches', () => {
    const texts = ['listening on :3000', '', 'héllo wörld ✓', '  indented | with pipe  ', 'x'.repeat(200)];

    it('prints each line of a batch exactly as log() prints it line by line', async () => {
      const batched = printer();
      const single = printer();
      const lines = LineBatch.fromTexts(texts);
      batched.printer.output({
        process: 'worker.1',
        name: 'worker',
        instance: 1,
        stream: 'out',
        lines,
        time: T,
      });
      for (const text of texts) {
        single.printer.log(logLine({ process: 'worker.1', name: 'worker', instance: 1, text }));
      }
      await Promise.all([batched.printer.flush(), single.printer.flush()]);
      expect(batched.out.text).toBe(single.out.text);
      expect(batched.out.lines[2]).toBe('03:04:05 worker.1  | héllo wörld ✓');
    });

    it('prints batches from the engine splitter (bytes of the chunk) and marks system batches with *', async () => {
      const { out, printer: p } = printer({ color: true });
      const splitter = new LineSplitter((lines) =>
        p.output({ process: 'api', name: 'api', instance: null, stream: 'out', lines, time: T }),
      );
      splitter.push(Buffer.from('one\r\ntwo\nthr'));
      splitter.push(Buffer.from('ee\n'));
      p.output({
        process: 'api',
        name: 'api',
        instance: null,
        stream: 'system',
        lines: LineBatch.fromTexts(['note']),
        time: T,
      });
      p.output({
        process: 'api',
        name: 'api',
        instance: null,
        stream: 'out',
        lines: LineBatch.fromTexts([]),
        time: T,
      });
      await p.flush();
      expect(stripVTControlCharacters(out.text)).toBe(
        '03:04:05 api       | one\n03:04:05 api       | two\n03:04:05 api       | three\n03:04:05 api       * note\n',
      );
      expect(out.writes).toHaveLength(1);
    });
  });

  describe('state changes', () => {
    const cases: [ProcessState, string, string][] = [
      ['pending', 'waiting for db', 'waiting for db'],
      ['starting', 'pid 1234', 'starting (pid 1234)'],
      ['running', 'running (pid 1234)', 'running (pid 1234)'],
      ['ready', 'ready (log /up/)', 'ready (log /up/)'],
      ['completed', 'exited with code 0', 'exited with code 0 (completed)'],
      ['crashed', 'exited with code 1', 'exited with code 1'],
      ['failed', 'gave up after 3 restarts', 'failed: gave up after 3 restarts'],
      ['backoff', 'restart 2 in 2s', 'restarting: restart 2 in 2s'],
      ['stopping', 'requested', 'stopping (requested)'],
      ['stopped', 'requested', 'stopped'],
    ];

    it.each(cases)('prints a %s line', async (to, reason, expected) => {
      const { out, printer: p } = printer();
      p.state(stateChange(to, reason));
      await p.flush();
      expect(out.text).toBe(`03:04:05 api       * ${expected}\n`);
    });

    it('names the replica', async () => {
      const { out, printer: p } = printer();
      p.state(stateChange('ready', 'ready', { process: 'worker.10', name: 'worker', instance: 10 }));
      await p.flush();
      expect(out.text).toBe('03:04:05 worker.10 * ready\n');
    });
  });

  it('prints internal errors as ovrseer lines with severity, operation and process', async () => {
    const { out, printer: p } = printer();
    p.error({
      error: new Error('disk full'),
      context: { operation: 'log write', severity: 'warning' },
      time: T,
    });
    p.error({
      error: new Error('boom'),
      context: { operation: 'spawn', severity: 'error', processId: 'worker.1' },
      time: T,
    });
    await p.flush();
    expect(out.lines).toEqual([
      '03:04:05 ovrseer   ! warning during log write: disk full',
      '03:04:05 ovrseer   ! error during spawn: worker.1: boom',
    ]);
  });

  it('prints its own messages', async () => {
    const { out, printer: p } = printer();
    p.message('stopped everything in 12ms', T2);
    await p.flush();
    expect(out.text).toBe('23:59:09 ovrseer   * stopped everything in 12ms\n');
  });

  it('stamps its own messages with the injected now() by default', async () => {
    const { out, printer: p } = printer({ now: () => T2 });
    p.message('no time given');
    await p.flush();
    expect(out.text).toBe('23:59:09 ovrseer   * no time given\n');
  });

  describe('colour', () => {
    it('writes no ANSI codes when color is false', async () => {
      const { out, printer: p } = printer({ color: false });
      p.log(logLine());
      p.log(logLine({ stream: 'system' }));
      for (const to of ['running', 'crashed', 'failed', 'backoff', 'pending', 'starting'] as const) {
        p.state(stateChange(to, 'why'));
      }
      p.error({ error: new Error('x'), context: { operation: 'op', severity: 'critical' }, time: T });
      p.message('m', T);
      await p.flush();
      expect(out.text).not.toMatch(ANSI);
      expect(out.lines).toHaveLength(10);
    });

    it('colours the output when color is true, with the same text underneath', async () => {
      const plain = printer({ color: false });
      const colored = printer({ color: true });
      for (const { printer: p } of [plain, colored]) {
        p.log(logLine());
        p.state(stateChange('crashed', 'exited with code 1'));
        p.error({ error: new Error('x'), context: { operation: 'op', severity: 'error' }, time: T });
        await p.flush();
      }
      expect(colored.out.text).toMatch(ANSI);
      expect(stripVTControlCharacters(colored.out.text)).toBe(plain.out.text);
    });

    it('gives replicas of one process the same colour and different processes different ones', async () => {
      const { out, printer: p } = printer({ color: true });
      p.log(logLine({ process: 'api', name: 'api', text: 'a' }));
      p.log(logLine({ process: 'worker.1', name: 'worker', text: 'b' }));
      p.log(logLine({ process: 'worker.10', name: 'worker', text: 'c' }));
      await p.flush();
      // The escape code that opens the name column, after the dimmed clock.
      const nameColour = (line: string): string | undefined =>
        // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI codes
        /^\u001b\[2m[\d:]+\u001b\[22m (\u001b\[[\d;]+m)/.exec(line)?.[1];
      const [api, worker1, worker10] = out.lines.map(nameColour);
      expect(api).toBeDefined();
      expect(worker1).toBeDefined();
      expect(worker1).toBe(worker10);
      expect(api).not.toBe(worker1);
    });
  });

  describe('flushing', () => {
    it('flush() writes everything pending in one write and resolves once the stream took it', async () => {
      const { out, printer: p } = printer();
      p.log(logLine({ text: '1' }));
      p.log(logLine({ text: '2' }));
      p.state(stateChange('stopped', 'requested'));
      expect(out.writes).toEqual([]);
      await p.flush();
      expect(out.writes).toHaveLength(1);
      expect(out.writes).toEqual([
        '03:04:05 api       | 1\n03:04:05 api       | 2\n03:04:05 api       * stopped\n',
      ]);
    });

    it('flush() with nothing pending writes nothing', async () => {
      const { out, printer: p } = printer();
      await p.flush();
      expect(out.writes).toEqual([]);
    });

    it('flushes by itself on the next tick, batching the lines of one tick into one write', async () => {
      const { out, printer: p } = printer();
      p.log(logLine({ text: 'a' }));
      p.log(logLine({ text: 'b' }));
      expect(out.writes).toEqual([]);
      await nextTick();
      await nextTick();
      expect(out.writes).toEqual(['03:04:05 api       | a\n03:04:05 api       | b\n']);
      p.log(logLine({ text: 'c' }));
      await nextTick();
      await nextTick();
      expect(out.writes).toHaveLength(2);
      expect(out.writes[1]).toBe('03:04:05 api       | c\n');
    });

    it('does not write a line twice when flushed by hand before the tick', async () => {
      const { out, printer: p } = printer();
      p.log(logLine({ text: 'once' }));
      await p.flush();
      await nextTick();
      await nextTick();
      expect(out.text).toBe('03:04:05 api       | once\n');
    });
  });
});

describe('Printer under a reader that does not keep up', () => {
  /** A pipe whose reader the test pauses and resumes: writes complete only while it reads. */
  class Pipe extends Writable {
    readonly received: string[] = [];
    #paused = true;
    #waiting: (() => void)[] = [];

    override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
      this.received.push(chunk.toString());
      if (this.#paused) this.#waiting.push(callback);
      else callback();
    }

    resume(): void {
      this.#paused = false;
      for (const callback of this.#waiting.splice(0)) callback();
    }
  }

  const line = (i: number): Parameters<Printer['output']>[0] => ({
    process: 'api',
    name: 'api',
    instance: null,
    stream: 'out',
    lines: LineBatch.fromTexts([`line ${i} ${'y'.repeat(40)}`]),
    time: T,
  });

  it('holds process output back past maxBacklog, and says how much once the reader is back', async () => {
    const out = new Pipe({ highWaterMark: 1 });
    const p = new Printer({ out, color: false, instances, maxBacklog: 4096, now: () => T });
    for (let i = 0; i < 1000; i += 1) {
      p.output(line(i));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // What waits for the reader stays near the bound, not the 60 KB of 1000 lines.
    expect(out.writableLength).toBeLessThan(8192);
    out.resume();
    p.output(line(1000));
    await p.flush();
    const text = stripVTControlCharacters(out.received.join(''));
    expect(text).toMatch(/ovrseer +! \d+ lines not shown: the output was not read fast enough/);
    expect(text).toContain('line 1000 ');
    const held = Number(/(\d+) lines not shown/.exec(text)?.[1]);
    expect(held + text.split('\n').filter((l) => / \| line \d+ /.test(l)).length).toBe(1001);
  });

  it('drops what is written once the stream is gone, and flush still resolves', async () => {
    const out = new Sink();
    const p = new Printer({ out, color: false, instances, now: () => T });
    out.destroy();
    p.message('after the terminal went away');
    await p.flush();
    expect(out.text).toBe('');
  });
});

describe('Printer with an err stream', () => {
  it("puts processes' stderr lines on err with the same prefix, and everything else on out", async () => {
    const out = new Sink();
    const err = new Sink();
    const p = new Printer({ out, color: false, instances, err: { out: err, color: false } });
    p.log(logLine({ text: 'to stdout' }));
    p.log(logLine({ stream: 'err', text: 'to stderr' }));
    p.output({
      process: 'api',
      name: 'api',
      instance: null,
      stream: 'err',
      lines: LineBatch.fromTexts(['a', 'b']),
      time: T,
    });
    p.output({
      process: 'api',
      name: 'api',
      instance: null,
      stream: 'out',
      lines: LineBatch.fromTexts(['c']),
      time: T,
    });
    p.state(stateChange('crashed', 'exited with code 1'));
    await p.flush();
    expect(err.lines).toEqual([
      '03:04:05 api       | to stderr',
      '03:04:05 api       | a',
      '03:04:05 api       | b',
    ]);
    expect(out.lines).toEqual([
      '03:04:05 api       | to stdout',
      '03:04:05 api       | c',
      '03:04:05 api       * exited with code 1',
    ]);
  });

  it('colours each stream by its own setting', async () => {
    const out = new Sink();
    const err = new Sink();
    const p = new Printer({ out, color: true, instances, err: { out: err, color: false } });
    p.log(logLine({ stream: 'err', text: 'plain' }));
    p.log(logLine({ text: 'coloured' }));
    await p.flush();
    expect(err.text).not.toMatch(ANSI);
    expect(out.text).toMatch(ANSI);
  });
});
