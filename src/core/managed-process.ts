import type { ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import type { ProcessSpec } from '../config/spec.js';
import { errorMessage, OvrseerError } from '../errors.js';
import { RingBuffer } from '../logs/ring-buffer.js';
import type { Clock, ClockTimer } from './clock.js';
import type { TypedEmitter } from './emitter.js';
import type { ErrorContext, LogStream, ManagerEvents } from './events.js';
import { signalGroup } from './kill.js';
import { launch } from './launch.js';
import { LineSplitter } from './line-splitter.js';
import type { ProbeFactory } from './probes/probe.js';
import { waitUntilReady } from './probes/readiness.js';
import { describeExit, type ExitInfo, isSuccessfulExit, RestartPolicy } from './restart/policy.js';
import { assertTransition, type HealthState, isLive, isSettled, type ProcessState } from './states.js';
import { runStopCommand } from './stop-command.js';
import { endGroup, endMarkedProcesses } from './terminate.js';

/** Lines kept per process for failure reasons (the searchable log store is separate). */
const RECENT_LINES = 50;
/** Lines quoted in a failure reason. */
const REASON_LINES = 5;
/** After the leader exits, output still in the pipes is awaited this long before the exit is handled. */
const STDIO_DRAIN_MS = 200;

export interface ManagedProcessContext {
  project: { name: string; id: string };
  clock: Clock;
  emitter: TypedEmitter<ManagerEvents>;
  reportError(error: Error, context: Omit<ErrorContext, 'processId'>): void;
  spawn: typeof nodeSpawn;
  createProbe: ProbeFactory;
  /** The environment processes inherit before their own variables are applied. */
  baseEnv: NodeJS.ProcessEnv;
}

export interface StopOptions {
  /** SIGKILL at once. @default false */
  force?: boolean;
  /** Look for escaped descendants afterwards; the manager sweeps once for many stops instead. @default true */
  sweep?: boolean;
  /** End in `failed` with this reason instead of `stopped` (a stop that ends a failure). */
  failWith?: string;
}

/** A point-in-time view of one instance, for listings and the API. */
export interface ProcessInfo {
  id: string;
  name: string;
  instance: number | null;
  type: ProcessSpec['type'];
  state: ProcessState;
  health: HealthState;
  pid: number | null;
  restarts: number;
  startedAt: number | null;
  uptimeMs: number | null;
  reason: string;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  group: string | null;
  tags: string[];
}

/**
 * One instance of one configured process: spawns it in its own process group, follows it through the
 * state machine, checks readiness, applies the restart policy, and on stop ends its whole tree.
 * Start, stop and restart are serialized by a lock, so they never interleave.
 */
export class ManagedProcess {
  readonly id: string;
  readonly marker: string;
  readonly recentLines = new RingBuffer<string>(RECENT_LINES);
  #state: ProcessState = 'stopped';
  #reason = 'not started';
  #health: HealthState = 'unknown';
  /** Set while the OS process runs. */
  #pid: number | null = null;
  /** The pid of the latest run, kept for exit events and reports. */
  #lastPid: number | null = null;
  #startedAt: number | null = null;
  #restarts = 0;
  #exitCode: number | null = null;
  #exitSignal: NodeJS.Signals | null = null;
  #lock: Promise<unknown> = Promise.resolve();
  #child: ChildProcess | null = null;
  #exited: Promise<ExitInfo> | null = null;
  #stopRequested = false;
  #readiness: AbortController | null = null;
  #backoffTimer: ClockTimer | null = null;
  readonly #lineListeners = new Set<(text: string) => void>();
  readonly #policy: RestartPolicy;

  constructor(
    readonly spec: ProcessSpec,
    /** 1-based; `null` when the process has a single instance. */
    readonly instance: number | null,
    private readonly context: ManagedProcessContext,
  ) {
    this.id = instance === null ? spec.name : `${spec.name}.${instance}`;
    this.marker = `${context.project.name}/${spec.name}/${instance ?? 1}`;
    this.#policy = new RestartPolicy(spec.restart);
  }

  get name(): string {
    return this.spec.name;
  }
  get state(): ProcessState {
    return this.#state;
  }
  get reason(): string {
    return this.#reason;
  }
  get health(): HealthState {
    return this.#health;
  }
  get pid(): number | null {
    return this.#pid;
  }
  get hasStarted(): boolean {
    return this.#startedAt !== null;
  }

  /** Ready, or running with no readiness checks configured. */
  isReady(): boolean {
    return this.#state === 'ready' || (this.#state === 'running' && this.spec.ready.length === 0);
  }

  /** Whether the last run ended with a success code. */
  get exitedSuccessfully(): boolean {
    return this.#state === 'completed';
  }

  info(): ProcessInfo {
    const now = this.context.clock.now();
    return {
      id: this.id,
      name: this.spec.name,
      instance: this.instance,
      type: this.spec.type,
      state: this.#state,
      health: this.#health,
      pid: this.#pid,
      restarts: this.#restarts,
      startedAt: this.#startedAt,
      uptimeMs: isLive(this.#state) && this.#startedAt !== null ? now - this.#startedAt : null,
      reason: this.#reason,
      exitCode: this.#exitCode,
      exitSignal: this.#exitSignal,
      group: this.spec.group,
      tags: this.spec.tags,
    };
  }

  /** Subscribes to this instance's output lines. */
  onLine(listener: (text: string) => void): () => void {
    this.#lineListeners.add(listener);
    return () => this.#lineListeners.delete(listener);
  }

  /** Writes to the process's stdin (for `attach`); false when it is not running. */
  sendInput(data: string | Buffer): boolean {
    const stdin = this.#child?.stdin;
    if (stdin === null || stdin === undefined || stdin.destroyed) return false;
    stdin.write(data);
    return true;
  }

  /**
   * SIGKILLs the process group at once, bypassing the lock: a forced shutdown must not wait behind a
   * graceful stop that is still in its timeout. The pending stop then completes quickly.
   */
  killNow(): void {
    if (!isLive(this.#state) || this.#lastPid === null) return;
    try {
      signalGroup(this.#lastPid, 'SIGKILL');
    } catch (error) {
      this.context.reportError(toError(error), { operation: 'kill', severity: 'critical' });
    }
  }

  /** Resolves true once the instance is in a settled state, false after `timeoutMs`. */
  waitUntilSettled(timeoutMs: number): Promise<boolean> {
    if (isSettled(this.#state)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (settled: boolean): void => {
        off();
        this.context.clock.clearTimeout(timer);
        resolve(settled);
      };
      const off = this.context.emitter.on('state', (event) => {
        if (event.process === this.id && isSettled(event.to)) finish(true);
      });
      const timer = this.context.clock.setTimeout(() => finish(false), timeoutMs);
    });
  }

  /** Marks the instance as waiting for its dependencies (the manager starts it when they hold). */
  markPending(reason: string): void {
    if (this.#state === 'pending') return;
    this.#transition('pending', reason);
  }

  /** Gives up before starting, e.g. because a dependency failed. */
  failPending(reason: string): void {
    if (this.#state === 'pending') this.#transition('failed', reason);
  }

  /** Starts the process. Resolves once it is running (or has failed to start). */
  start(reason = 'start requested'): Promise<void> {
    return this.#serialize(async () => {
      if (isLive(this.#state)) return;
      this.#cancelBackoff();
      this.#policy.reset();
      await this.#spawn(reason);
    });
  }

  /** Stops the process and its whole tree. Resolves once nothing of it is left. */
  stop(reason = 'stop requested', options: StopOptions = {}): Promise<void> {
    return this.#serialize(() => this.#stopNow(reason, options));
  }

  /** Stop (if running), then start; the restart policy's failure history is forgotten. */
  restart(reason = 'restart requested'): Promise<void> {
    return this.#serialize(async () => {
      await this.#stopNow(reason, {});
      this.#policy.reset();
      await this.#spawn(reason);
    });
  }

  #serialize<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(operation, operation);
    this.#lock = run.catch((error: unknown) => {
      this.context.reportError(toError(error), { operation: 'lifecycle', severity: 'error' });
    });
    return run;
  }

  async #spawn(reason: string): Promise<void> {
    this.#transition('starting', reason);
    this.#stopRequested = false;
    const launched = await launch(this.spec, this.instance, this.context, this.marker);
    if (!launched.ok) {
      this.#transition('failed', launched.reason);
      return;
    }
    const child = launched.child;
    this.#child = child;
    this.#pid = child.pid ?? null;
    this.#lastPid = this.#pid;
    this.#startedAt = this.context.clock.now();
    this.#exitCode = null;
    this.#exitSignal = null;
    const splitters = this.#attachOutput(child);
    this.#exited = this.#watchExit(child, splitters);
    this.#transition('running', `started (pid ${this.#pid})`);
    if (this.spec.ready.length > 0) void this.#checkReadiness();
  }

  #attachOutput(child: ChildProcess): LineSplitter[] {
    const splitters: LineSplitter[] = [];
    for (const [stream, source] of [
      ['out', child.stdout],
      ['err', child.stderr],
    ] as const) {
      if (source === null) continue;
      const splitter = new LineSplitter((text) => this.#emitLine(stream, text));
      source.on('data', (chunk: Buffer) => splitter.push(chunk));
      source.on('error', (error) =>
        this.context.reportError(error, { operation: `read ${stream}`, severity: 'warning' }),
      );
      splitters.push(splitter);
    }
    child.stdin?.on('error', (error) =>
      this.context.reportError(error, { operation: 'write stdin', severity: 'warning' }),
    );
    return splitters;
  }

  #emitLine(stream: LogStream, text: string): void {
    this.recentLines.push(text);
    for (const listener of this.#lineListeners) listener(text);
    this.context.emitter.emit('log', {
      process: this.id,
      name: this.spec.name,
      instance: this.instance,
      stream,
      text,
      time: this.context.clock.now(),
    });
  }

  /** Resolves with the exit once the leader has exited and its output has been read. */
  #watchExit(child: ChildProcess, splitters: LineSplitter[]): Promise<ExitInfo> {
    return new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const uptime = this.context.clock.now() - (this.#startedAt ?? this.context.clock.now());
        // Descendants may hold the pipes open; wait for 'close' only briefly so the last lines
        // arrive before the exit is reported, without waiting on an escapee forever.
        const drained = new Promise<void>((done) => {
          const timer = this.context.clock.setTimeout(done, STDIO_DRAIN_MS);
          child.once('close', () => {
            this.context.clock.clearTimeout(timer);
            done();
          });
        });
        void drained.then(() => {
          for (const splitter of splitters) splitter.end();
          child.stdin?.destroy();
          const exit: ExitInfo = { code, signal, uptime };
          this.#exitCode = code;
          this.#exitSignal = signal;
          resolve(exit);
          this.#onExit(exit);
        });
      });
    });
  }

  #onExit(exit: ExitInfo): void {
    this.#readiness?.abort();
    this.#readiness = null;
    this.#child = null;
    this.#pid = null;
    if (this.#stopRequested) return; // #stopNow finishes the transition.
    void this.#serialize(() => this.#handleUnrequestedExit(exit));
  }

  async #handleUnrequestedExit(exit: ExitInfo): Promise<void> {
    if (!isLive(this.#state) || this.#stopRequested) return;
    // Children left behind by the leader would hold ports and files the next run needs.
    await this.#endLeftovers();
    const success = isSuccessfulExit(this.spec.restart, exit);
    const how = describeExit(exit);
    const decision = this.#policy.decide(exit);
    this.#transition(success ? 'completed' : 'crashed', how);
    if (decision.restart) {
      this.#restarts += 1;
      this.#transition('backoff', `${decision.reason} in ${decision.delay}ms (${how})`);
      this.#backoffTimer = this.context.clock.setTimeout(() => {
        this.#backoffTimer = null;
        void this.#serialize(async () => {
          if (this.#state === 'backoff') await this.#spawn(`restarted after ${how}`);
        });
      }, decision.delay);
    } else if (decision.giveUp) {
      this.#transition('failed', `${decision.reason}; last run ${how}`);
    }
  }

  async #endLeftovers(): Promise<void> {
    const pid = this.#lastPid;
    if (pid === null) return;
    try {
      await endGroup({
        pgid: pid,
        signal: this.spec.stop.signal,
        timeout: this.spec.stop.timeout,
        leaderExited: Promise.resolve(),
        force: false,
        clock: this.context.clock,
      });
      await this.#sweep(false);
    } catch (error) {
      this.context.reportError(toError(error), { operation: 'end leftover children', severity: 'error' });
    }
  }

  async #checkReadiness(): Promise<void> {
    const abort = new AbortController();
    this.#readiness = abort;
    const probeContext = {
      onLine: (listener: (text: string) => void) => this.onLine(listener),
      env: { ...this.context.baseEnv, ...this.spec.env },
      cwd: this.spec.cwd,
    };
    const checks = this.spec.ready.map((spec) => ({
      probe: this.context.createProbe(spec.probe, probeContext),
      spec,
    }));
    try {
      const outcome = await waitUntilReady(checks, this.context.clock, abort.signal);
      if (abort.signal.aborted || this.#state !== 'running') return;
      if (outcome.ok) {
        this.#transition('ready', `ready (${checks.map((check) => check.probe.description).join(', ')})`);
        return;
      }
      const failure = `ready check timed out after ${formatMs(outcome.timeout)} (${outcome.probe}: ${outcome.message})${this.#lastLinesSuffix()}`;
      await this.#serialize(() => this.#stopNow(failure, { failWith: failure }));
    } finally {
      for (const check of checks) check.probe.dispose?.();
    }
  }

  #lastLinesSuffix(): string {
    const lines = this.recentLines.last(REASON_LINES);
    return lines.length === 0 ? '; no output' : `; last output: ${lines.join(' ⏎ ')}`;
  }

  async #stopNow(reason: string, options: StopOptions): Promise<void> {
    if (this.#state === 'pending' || this.#state === 'backoff') {
      this.#cancelBackoff();
      this.#transition('stopped', reason);
      return;
    }
    if (!isLive(this.#state) || this.#lastPid === null) return;
    const pid = this.#lastPid;
    this.#stopRequested = true;
    this.#readiness?.abort();
    this.#transition('stopping', reason);
    let failure = options.failWith ?? null;
    try {
      const stopCommand = this.spec.stop.command;
      await endGroup({
        pgid: pid,
        signal: this.spec.stop.signal,
        timeout: this.spec.stop.timeout,
        leaderExited: this.#exited ?? Promise.resolve(),
        force: options.force ?? false,
        clock: this.context.clock,
        ...(stopCommand === null
          ? {}
          : {
              beforeSignal: (signal: AbortSignal) => runStopCommand(stopCommand, this, this.context, signal),
            }),
      });
      if (options.sweep !== false) await this.#sweep(options.force ?? false);
    } catch (error) {
      failure ??= `stop failed: ${errorMessage(error)}`;
      this.context.reportError(toError(error), { operation: 'stop', severity: 'critical' });
    }
    // The exit handler must have run so the last lines are in before the final state.
    await this.#exited;
    if (failure === null) {
      this.#transition('stopped', reason);
    } else {
      this.#transition('failed', failure);
    }
  }

  async #sweep(force: boolean): Promise<void> {
    const found = await endMarkedProcesses({
      projectId: this.context.project.id,
      markerPrefix: this.marker,
      policyFor: () => (force ? { signal: 'SIGKILL', timeout: 0 } : this.spec.stop),
      clock: this.context.clock,
    });
    if (found.length > 0) {
      this.#emitLine(
        'system',
        `ended ${found.length} escaped descendant(s): pid ${found.map((f) => f.pid).join(', ')}`,
      );
    }
  }

  #cancelBackoff(): void {
    if (this.#backoffTimer !== null) {
      this.context.clock.clearTimeout(this.#backoffTimer);
      this.#backoffTimer = null;
    }
  }

  #transition(to: ProcessState, reason: string): void {
    const from = this.#state;
    assertTransition(this.id, from, to);
    this.#state = to;
    this.#reason = reason;
    this.context.emitter.emit('state', {
      process: this.id,
      name: this.spec.name,
      instance: this.instance,
      from,
      to,
      reason,
      time: this.context.clock.now(),
      pid: this.#pid ?? this.#lastPid,
      exitCode: this.#exitCode,
      signal: this.#exitSignal,
    });
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new OvrseerError('OVRSEER_INTERNAL', String(error));
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}
