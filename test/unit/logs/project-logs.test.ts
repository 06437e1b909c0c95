import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SETTINGS_DEFAULTS } from '../../../src/config/defaults.js';
import type { ProcessSpec, ProjectSpec, SettingsSpec } from '../../../src/config/spec.js';
import { TypedEmitter } from '../../../src/core/emitter.js';
import type { ErrorContext, LogLineEvent, ManagerEvents } from '../../../src/core/events.js';
import { LineBatch } from '../../../src/core/line-batch.js';
import { LineSplitter } from '../../../src/core/line-splitter.js';
import { queryLogFiles } from '../../../src/logs/file-reader.js';
import { createProjectLogs } from '../../../src/logs/project-logs.js';
import { processSpec } from '../core/spec-builder.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-project-logs-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

type ProcessOverrides = Partial<Omit<ProcessSpec, 'name'>>;

/** A normalized project (as the config loader produces) with its state directory inside `dir`. */
function spec(
  processes: Record<string, ProcessOverrides>,
  settings: Partial<SettingsSpec> = {},
): ProjectSpec {
  return {
    name: 'demo',
    file: join(dir, 'ovrseer.yml'),
    dir,
    plugins: [],
    processes: Object.entries(processes).map(([name, overrides]) => processSpec(name, overrides)),
    settings: {
      ...SETTINGS_DEFAULTS,
      limits: { ...SETTINGS_DEFAULTS.limits },
      api: { ...SETTINGS_DEFAULTS.api },
      stateDir: join(dir, '.ovrseer'),
      ...settings,
    },
  };
}

const noFile = { log: { file: false, maxSize: 0, keep: 0 } };

function emitLine(events: TypedEmitter<ManagerEvents>, { text, ...line }: LogLineEvent): void {
  events.emit('output', { ...line, lines: LineBatch.fromTexts([text]) });
}

function engine(): TypedEmitter<ManagerEvents> {
  return new TypedEmitter<ManagerEvents>((error) => {
    throw error;
  });
}

describe('createProjectLogs', () => {
  it('keeps log_buffer_lines per instance and writes <state_dir>/logs/<name>.log for log.file processes', async () => {
    const project = spec({ api: {}, quiet: noFile }, { logBufferLines: 3 });
    const logs = createProjectLogs(project, { reportError: (error) => expect.unreachable(error.message) });
    const events = engine();
    const detach = logs.attach(events);
    for (let i = 0; i < 5; i += 1) {
      emitLine(events, {
        process: 'api',
        name: 'api',
        instance: null,
        stream: 'out',
        text: `api ${i}`,
        time: i,
      });
      emitLine(events, {
        process: 'quiet',
        name: 'quiet',
        instance: null,
        stream: 'out',
        text: `q ${i}`,
        time: i,
      });
    }
    detach();
    emitLine(events, {
      process: 'api',
      name: 'api',
      instance: null,
      stream: 'out',
      text: 'after detach',
      time: 9,
    });
    await logs.close();
    expect(logs.store.query({ processes: ['api'] }).entries.map((entry) => entry.text)).toEqual([
      'api 2',
      'api 3',
      'api 4',
    ]);
    const dirOfLogs = join(dir, '.ovrseer', 'logs');
    const fromFiles = await queryLogFiles({ dir: dirOfLogs, names: ['api', 'quiet'] }, {});
    expect(fromFiles.entries.map((entry) => entry.text)).toEqual([
      'api 0',
      'api 1',
      'api 2',
      'api 3',
      'api 4',
    ]);
  });

  it('records state changes as system entries, crashes at error level', async () => {
    const logs = createProjectLogs(spec({ api: {} }), { reportError: () => undefined });
    const events = engine();
    logs.attach(events);
    const base = {
      process: 'api',
      name: 'api',
      instance: null,
      pid: 1,
      exitCode: null,
      signal: null,
    } as const;
    events.emit('state', { ...base, from: 'starting', to: 'running', reason: 'started (pid 1)', time: 1 });
    events.emit('state', { ...base, from: 'running', to: 'crashed', reason: 'exited with code 3', time: 2 });
    await logs.close();
    expect(logs.store.query().entries.map((entry) => [entry.stream, entry.level, entry.text])).toEqual([
      ['system', 'info', 'running: started (pid 1)'],
      ['system', 'error', 'crashed: exited with code 3'],
    ]);
    const files = await queryLogFiles({ dir: join(dir, '.ovrseer', 'logs'), names: ['api'] }, {});
    expect(files.entries.map((entry) => [entry.time, entry.stream, entry.level, entry.text])).toEqual([
      [1, 'system', 'info', 'running: started (pid 1)'],
      [2, 'system', 'error', 'crashed: exited with code 3'],
    ]);
    // They are the supervisor's lines, not the program's: the text file stays the program's own.
    expect(readFileSync(join(dir, '.ovrseer', 'logs', 'api.log'), 'utf8')).toBe('');
  });

  it('keeps partial lines and CRLF endings whole from the child to the file (with the engine splitter)', async () => {
    const logs = createProjectLogs(spec({ api: {} }), { reportError: () => undefined });
    const events = engine();
    logs.attach(events);
    const splitter = new LineSplitter((lines) =>
      events.emit('output', { process: 'api', name: 'api', instance: null, stream: 'out', lines, time: 5 }),
    );
    for (const chunk of [
      'first li',
      'ne\r\nsecond\r',
      '\nthird has a \r inside\n',
      'no newline at the end',
    ]) {
      splitter.push(Buffer.from(chunk));
    }
    splitter.end();
    await logs.close();
    const expected = ['first line', 'second', 'third has a \r inside', 'no newline at the end'];
    expect(logs.store.query().entries.map((entry) => entry.text)).toEqual(expected);
    const fromFiles = await queryLogFiles({ dir: join(dir, '.ovrseer', 'logs'), names: ['api'] }, {});
    expect(fromFiles.entries.map((entry) => entry.text)).toEqual(expected);
  });

  it('reports an unusable log directory once and keeps the logs in memory', async () => {
    // A file where a directory should be: mkdir fails, even for root.
    writeFileSync(join(dir, 'not-a-dir'), '');
    const errors: [string, ErrorContext][] = [];
    const logs = createProjectLogs(spec({ api: {} }, { stateDir: join(dir, 'not-a-dir', 'state') }), {
      reportError: (error, context) => errors.push([error.message, context]),
    });
    const events = engine();
    logs.attach(events);
    emitLine(events, { process: 'api', name: 'api', instance: null, stream: 'out', text: 'kept', time: 1 });
    await logs.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[0]).toMatch(/cannot create the log directory.*ENOTDIR/);
    expect(errors[0]?.[1]).toMatchObject({ severity: 'warning' });
    expect(logs.files).toBeNull();
    expect(logs.store.query().entries.map((entry) => entry.text)).toEqual(['kept']);
  });

  it('writes a "lines dropped" system entry to the buffer and the file when the disk falls behind', async () => {
    const logs = createProjectLogs(spec({ api: {} }), { reportError: () => undefined, maxQueued: 2000 });
    const events = engine();
    logs.attach(events);
    for (let i = 0; i < 1000; i += 1) {
      emitLine(events, {
        process: 'api',
        name: 'api',
        instance: null,
        stream: 'out',
        text: `line ${i}`,
        time: i,
      });
    }
    await logs.flush();
    await logs.close();
    const notice = logs.store.query({ streams: ['system'] }).entries;
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ level: 'warn', process: 'api' });
    const count = Number(/(\d+) lines dropped/.exec(notice[0]?.text ?? '')?.[1]);
    const fromFiles = await queryLogFiles({ dir: join(dir, '.ovrseer', 'logs'), names: ['api'] }, {});
    const written = fromFiles.entries.filter((entry) => entry.stream === 'out');
    expect(written.length + count).toBe(1000);
    expect(fromFiles.entries.at(-1)?.text).toMatch(/lines dropped from api\.log/);
  });

  it('streamToFile appends every process to one file, as text or JSON, until stopStreaming', async () => {
    const logs = createProjectLogs(spec({ api: noFile }), { reportError: () => undefined });
    const events = engine();
    logs.attach(events);
    const textFile = join(dir, 'all.log');
    const jsonFile = join(dir, 'all.jsonl');
    await logs.store.streamToFile(textFile);
    emitLine(events, {
      process: 'api',
      name: 'api',
      instance: null,
      stream: 'out',
      text: 'to text',
      time: 0,
    });
    await logs.store.streamToFile(jsonFile, { format: 'json' });
    emitLine(events, {
      process: 'w.2',
      name: 'w',
      instance: 2,
      stream: 'err',
      text: '{"level":"warn"}',
      time: 0,
    });
    await logs.store.stopStreaming();
    emitLine(events, {
      process: 'api',
      name: 'api',
      instance: null,
      stream: 'out',
      text: 'not streamed',
      time: 0,
    });
    await logs.close();
    expect(readFileSync(textFile, 'utf8')).toBe('1970-01-01T00:00:00.000Z api out info | to text\n');
    expect(JSON.parse(readFileSync(jsonFile, 'utf8'))).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      process: 'w.2',
      stream: 'err',
      level: 'warn',
      text: '{"level":"warn"}',
      seq: 2,
      fields: { level: 'warn' },
    });
  });

  it('a streamToFile disk error becomes an error entry of ovrseer (and goes to reportError)', async () => {
    const reported: string[] = [];
    const logs = createProjectLogs(spec({ api: noFile }), {
      reportError: (error) => reported.push(error.message),
    });
    await logs.store.streamToFile(dir);
    logs.store.append({ process: 'api', name: 'api', instance: null, stream: 'out', text: 'x', time: 0 });
    await logs.store.stopStreaming();
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatch(/EISDIR/);
  });
});
