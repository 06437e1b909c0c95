import type { ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import type { ProbeSpec, ProcessSpec } from '../config/spec.js';
import { errorMessage, OvrseerError } from '../errors.js';
import type { AdoptTarget } from './adopt/adoptable.js';
import { endAdopted } from './adopt/end-adopted.js';
import { type ExitWatch, readProcStat, type StatReader, watchExit } from './adopt/exit-watch.js';
import { adoptOnStart } from './adopt/on-start.js';
import type { ChildChannels } from './child-channels.js';
import type { Clock, ClockTimer } from './clock.js';
import type { TypedEmitter } from './emitter.js';
import type { CrashReportSink, CrashReportType, ErrorContext, LogStream, ManagerEvents } from './events.js';
import { signalGroup, signalPid } from './kill.js';
import { instanceEnv, launch } from './launch.js';
import { isBorrower, LineBatch } from './line-batch.js';
import { isPausable, notPausable, notPaused, signalTree } from './pause.js';
import { HealthMonitor } from './probes/health-monitor.js';
import { probeForInstance } from './probes/instance-probe.js';
import type { Probe, ProbeContext, ProbeFactory } from './probes/probe.js';
import { waitUntilReady } from './probes/readiness.js';
import { followChild } from './process-output.js';
import { RecentOutput } from './recent-output.js';
import { same } from './reload-plan.js';
import type { ProcessCounters, RestartRecord } from './restart/history.js';
import type { ExitInfo } from './restart/policy.js';
import { type ExitCause, RestartController } from './restart/restart-controller.js';
import type { SpawnPacer } from './spawn-pacer.js';
import { assertTransition, type HealthState, isLive, isSettled, type ProcessState } from './states.js';
import { runStopCommand } from './stop-command.js';
import { type EndGroupOptions, endGroup, endMarkedProcesses } from './terminate.js';

/** Lines kept per process for failure reasons and crash reports (the searchable log store is separate). */
const RECENT_LINES = 200;
/** Lines quoted in a failure reason. */
const REASON_LINES = 5;

export interface ManagedProcessContext {
  project: { name: string; id: string };
  clock: Clock;
  emitter: TypedEmitter<ManagerEvents>;
  reportError(error: Error, context: Omit<ErrorContext, 'processId'>): void;
  spawn: typeof nodeSpawn;
  createProbe: ProbeFactory;
  /** The environment processes inherit before their own variables are applied. */
  baseEnv: NodeJS.ProcessEnv;
  reports: CrashReportSink | null;
  /** Spreads spawns over turns of the event loop; without one, every spawn happens at once. */
  pacer?: SpawnPacer;
  /** Adoption (docs/adopt.md): how often an adopted pid is polled, and whether a pid is an instance's. */
  adoption?: { pollMs?: number; readStat?: StatReader; isManaged?: (pid: number) => boolean };
  /** Messages and sd_notify (docs/ipc.md); without it, neither. */
  channels?: ChildChannels;
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
  /** While `stopping`: how far the stop has got (what `ovrseer stop`/`down` say they wait for). */
  stopping: StopProgress | null;
  /** The latest run was adopted (`adopt`), not spawned: its output is not captured. */
  adopted: boolean;
  /** The latest `STATUS=` the process sent to its `NOTIFY_SOCKET`; `null` without. */
  statusText?: string | null;
}

/** Where a stop stands. Times are the clock's epoch milliseconds. */
export interface StopProgress {
  /** When the stop began; its timeout counts from here. */
  since: number;
  /** The last signal sent (the stop signal, then SIGKILL); `null` while the stop command runs. */
  signal: NodeJS.Signals | null;
  signalAt: number | null;
  /** When SIGKILL follows if the group is still there. */
  killAt: number;
}

/**
 * One instance of one configured process: spawns it in its own process group, follows it through the
 * state machine, checks readiness and health, applies the restart policy, and on stop ends its whole
 * tree. Start, stop and restart are serialized by a lock, so they never interleave.
 */
export class ManagedProcess {
  #id: string;
  #instance: number | null;
  readonly marker: string;
  readonly recentLines = new RecentOutput(RECENT_LINES);
  #state: ProcessState = 'stopped';
  #reason = 'not started';
  #health: HealthState = 'unknown';
  /** Set while the OS process runs. */
  #pid: number | null = null;
  /** The pid of the latest run, kept for exit events and reports. */
  #lastPid: number | null = null;
  #startedAt: number | null = null;
  #exit: ExitInfo | null = null;
  #lock: Promise<unknown> = Promise.resolve();
  #child: ChildProcess | null = null;
  #exited: Promise<ExitInfo> | null = null;
  #stopRequested = false;
  #stopProgress: StopProgress | null = null;
  #exitCause: ExitCause | null = null;
  #readiness: AbortController | null = null;
  #healthMonitor: HealthMonitor | null = null;
  #backoffTimer: ClockTimer | null = null;
  /** While `paused`: the state `resume` returns to. */
  #pausedFrom: 'running' | 'ready' | null = null;
  /** The latest run's process when it was adopted rather than spawned (until the next run). */
  #adopted: AdoptTarget | null = null;
  #exitWatch: ExitWatch | null = null;
  /** Counts stops (and restarts): a start asked for before the latest one is void. */
  #startIntent = 0;
  readonly #lineListeners = new Set<(text: string) => void>();
  readonly #restarts: RestartController;
  #spec: ProcessSpec;

  constructor(
    spec: ProcessSpec,
    /** 1-based; `null` when the process has a single instance. */
    instance: number | null,
    private readonly context: ManagedProcessContext,
  ) {
    this.#spec = spec;
    this.#instance = instance;
    this.#id = instance === null ? spec.name : `${spec.name}.${instance}`;
    this.marker = `${context.project.name}/${spec.name}/${instance ?? 1}`;
    this.#restarts = new RestartController(spec.restart);
  }

  get spec(): ProcessSpec {
    return this.#spec;
  }

  /**
   * A live reload's new spec (core/reload-apply.ts): the next spawn, stop and check use it; the
   * restart policy and a running health monitor are swapped now. The command a running process was
   * started with is not touched: a change of it is a restart, planned by the caller.
   */
  reconfigure(spec: ProcessSpec): void {
    const old = this.#spec;
    this.#spec = spec;
    if (!same(old.restart, spec.restart)) this.#restarts.reconfigure(spec.restart);
    if (same(old.health, spec.health)) return;
    this.#healthMonitor?.stop();
    this.#healthMonitor = null;
    this.#setHealth('unknown', 'health check changed by a reload');
    // Liveness counts from readiness, as at a start: one still checking readiness starts it after.
    if (this.#state === 'ready' || (this.#state === 'running' && this.#readiness === null))
      this.#startHealthMonitor();
  }

  /** Display id: `api`, or `worker.2` for a replica. */
  get id(): string {
    return this.#id;
  }
  /** 1-based replica number; `null` when the process has a single instance. */
  get instance(): number | null {
    return this.#instance;
  }
  get name(): string {
    return this.spec.name;
  }

  /**
   * Scaling a single instance up makes it replica 1 (`worker` → `worker.1`). Its marker already says
   * instance 1, so escapees are still found.
   */
  becomeReplica(): void {
    if (this.#instance !== null) return;
    this.#instance = 1;
    this.#id = `${this.spec.name}.1`;
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

  /** Restart history, oldest first (time, exit, reason, delay chosen). */
  restartHistory(): RestartRecord[] {
    return this.#restarts.history();
  }

  counters(): ProcessCounters {
    return this.#restarts.counters(this.#uptime());
  }

  info(): ProcessInfo {
    return {
      id: this.id,
      name: this.spec.name,
      instance: this.instance,
      type: this.spec.type,
      state: this.#state,
      health: this.#health,
      pid: this.#pid,
      restarts: this.#restarts.counters(null).restarts,
      startedAt: this.#startedAt,
      uptimeMs: this.#uptime(),
      reason: this.#reason,
      exitCode: this.#exit?.code ?? null,
      exitSignal: this.#exit?.signal ?? null,
      group: this.spec.group,
      tags: this.spec.tags,
      stopping: this.#state === 'stopping' ? this.#stopProgress : null,
      adopted: this.#adopted !== null,
      statusText: this.context.channels?.statusText(this.id) ?? null,
    };
  }

  /** Subscribes to this instance's output lines. */
  onLine(listener: (text: string) => void): () => void {
    this.#lineListeners.add(listener);
    return () => this.#lineListeners.delete(listener);
  }

  /**
   * Writes to the process's stdin (for `attach`); false when it is not running. What the pipe does not
   * take waits in memory, up to `maxPending` bytes: past that the process is not reading, and more
   * input is refused (OVRSEER_INPUT_FULL) rather than kept.
   * @param maxPending @default 1 MiB
   */
  sendInput(data: string | Buffer, maxPending = 1024 * 1024): boolean {
    const stdin = this.#child?.stdin;
    if (stdin === null || stdin === undefined || stdin.destroyed) return false;
    const pending = stdin.writableLength;
    if (pending + Buffer.byteLength(data) > maxPending) {
      throw new OvrseerError(
        'OVRSEER_INPUT_FULL',
        `${this.id} is not reading its stdin: ${pending} bytes already wait for it (the limit is ${maxPending}); try again once it reads`,
      );
    }
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
      if (this.#adopted !== null && !this.#adopted.leadsGroup) signalPid(this.#lastPid, 'SIGKILL');
      else signalGroup(this.#lastPid, 'SIGKILL');
      this.#signalSent('SIGKILL');
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

  /** Gives up before starting because a dependency cannot get there; files a dependencyFailed report. */
  failPending(reason: string): void {
    if (this.#state !== 'pending') return;
    this.#transition('failed', reason);
    this.fileReport('dependencyFailed', reason);
  }

  /** Starts the process. Resolves once it is running (or has failed to start). */
  start(reason = 'start requested'): Promise<void> {
    const intent = this.#startIntent;
    return this.#serialize(async () => {
      if (isLive(this.#state)) return;
      this.#cancelBackoff();
      this.#restarts.reset();
      if (this.spec.adopt === null) return this.#spawn(reason, intent);
      // `adopt:` in the config: take over the running one if there is one, else spawn as usual.
      const found = adoptOnStart(this.spec.adopt, this.context);
      if (found.kind === 'failed') this.#transition('failed', found.reason);
      else if (found.kind === 'adopt') this.#takeOver(found.target, `${reason}: adopted from ${found.from}`);
      else {
        this.#emitLine('system', `nothing to adopt (${found.why}): starting the command`);
        await this.#spawn(reason, intent);
      }
    });
  }

  /**
   * Tracks a running process ovrseer did not start (`ProcessManager.adopt`): metrics, ports, probes,
   * stop with escalation; its exit is polled, its output cannot be captured. A restart spawns the
   * configured command. Throws OVRSEER_INVALID_STATE while an instance of it runs.
   */
  adopt(target: AdoptTarget, reason = `adopt pid ${target.pid} requested`): Promise<void> {
    return this.#serialize(async () => {
      if (isLive(this.#state)) {
        throw new OvrseerError(
          'OVRSEER_INVALID_STATE',
          `${this.id} is ${this.#state} (pid ${this.#pid ?? '?'}); stop it first (ovrseer stop ${this.id}) to adopt pid ${target.pid}`,
        );
      }
      this.#cancelBackoff();
      this.#restarts.reset();
      this.#takeOver(target, reason);
    });
  }

  #takeOver(target: AdoptTarget, reason: string): void {
    const pid = target.pid;
    this.#transition('starting', reason);
    this.#stopRequested = false;
    this.#exitCause = null;
    this.#child = null;
    this.#adopted = target;
    this.#pid = pid;
    this.#lastPid = pid;
    const startedAt = this.context.clock.now();
    this.#startedAt = startedAt;
    this.#exit = null;
    const adoption = this.context.adoption;
    const watch = watchExit(pid, target.startTime, {
      clock: this.context.clock,
      ...(adoption?.pollMs === undefined ? {} : { intervalMs: adoption.pollMs }),
      ...(adoption?.readStat === undefined ? {} : { readStat: adoption.readStat }),
    });
    this.#exitWatch = watch;
    this.#exited = watch.exited.then(() => {
      const info: ExitInfo = { code: null, signal: null, uptime: this.context.clock.now() - startedAt };
      if (!this.#stopRequested)
        this.#emitLine(
          'system',
          `adopted pid ${pid} exited (its exit status is unknown: it is not ovrseer's child)`,
        );
      this.#onExit(info);
      return info;
    });
    this.#emitLine('system', `adopted pid ${pid}: output is not captured`);
    this.#transition('running', `adopted pid ${pid} (output is not captured)`);
    if (this.spec.ready.length > 0) void this.#checkReadiness();
    else this.#startHealthMonitor();
  }

  /** Ends the current run's group — or, for an adopted process, what `endAdopted` decides to signal. */
  #endProcess(pid: number, options: Omit<EndGroupOptions, 'pgid'>): Promise<unknown> {
    const adopted = this.#adopted;
    if (adopted === null) return endGroup({ ...options, pgid: pid });
    return endAdopted(adopted, options, this.context.adoption?.readStat ?? readProcStat).finally(() =>
      this.#exitWatch?.check(),
    );
  }

  /** Stops the process and its whole tree. Resolves once nothing of it is left. */
  stop(reason = 'stop requested', options: StopOptions = {}): Promise<void> {
    this.cancelPendingStart();
    return this.#serialize(() => this.#stopNow(reason, options));
  }

  /**
   * A start that still waits for its turn to spawn (see `SpawnPacer`) will not spawn. Called by a
   * stop, and by the shutdown for every instance at once: 500 queued starts must not each spawn, only
   * to be stopped again.
   */
  cancelPendingStart(): void {
    this.#startIntent += 1;
  }

  /** Stop (if running), then start; a give-up or tripped crash-loop breaker is cleared. */
  restart(reason = 'restart requested'): Promise<void> {
    this.cancelPendingStart();
    const intent = this.#startIntent;
    return this.#serialize(async () => {
      await this.#stopNow(reason, {});
      this.#restarts.reset();
      await this.#spawn(reason, intent);
    });
  }

  /**
   * SIGSTOPs the whole tree (group and escapees). Readiness and liveness checks stop with it — a paused
   * process is never found unhealthy, and its ready timeout does not run out — and start afresh on
   * `resume`. Pausing a paused instance does nothing; one that is not running or ready is refused
   * (OVRSEER_NOT_PAUSABLE).
   */
  pause(reason = 'pause requested'): Promise<void> {
    if (this.#state === 'paused') return Promise.resolve();
    if (!isPausable(this.#state)) return Promise.reject(notPausable(this.id, this.#state));
    return this.#serialize(async () => {
      const from = this.#state;
      // A stop or an exit got in first while this waited for the lock: nothing is left to pause.
      if (!isPausable(from) || this.#lastPid === null || this.#stopRequested) return;
      this.#readiness?.abort();
      this.#readiness = null;
      this.#healthMonitor?.stop();
      this.#healthMonitor = null;
      await this.#signalTree('SIGSTOP');
      this.#pausedFrom = from;
      this.#transition('paused', reason);
    });
  }

  /**
   * SIGCONTs the whole tree and returns to the state the pause left, restarting its checks: a run
   * paused before it was ready gets its whole ready timeout again. Resuming a running instance does
   * nothing; one that is neither is refused (OVRSEER_NOT_PAUSED).
   */
  resume(reason = 'resume requested'): Promise<void> {
    if (isPausable(this.#state)) return Promise.resolve();
    if (this.#state !== 'paused') return Promise.reject(notPaused(this.id, this.#state));
    return this.#serialize(async () => {
      if (this.#state !== 'paused') return;
      await this.#signalTree('SIGCONT');
      const to = this.#pausedFrom ?? 'running';
      this.#pausedFrom = null;
      this.#transition(to, reason);
      if (to === 'running' && this.spec.ready.length > 0) void this.#checkReadiness();
      else this.#startHealthMonitor();
    });
  }

  #signalTree(signal: 'SIGSTOP' | 'SIGCONT'): Promise<number> {
    const pgid = this.#lastPid;
    if (pgid === null) return Promise.resolve(0);
    // An adopted process that does not lead its group shares it with others (a shell's job): it alone.
    if (this.#adopted !== null && !this.#adopted.leadsGroup)
      return Promise.resolve(signalPid(pgid, signal) ? 1 : 0);
    return signalTree({ pgid, projectId: this.context.project.id, marker: this.marker }, signal);
  }

  /**
   * Ends the current run for a reason of ovrseer's (unhealthy, over its memory limit). Unlike a stop,
   * the restart policy then decides what happens, as after a crash.
   */
  endRun(cause: ExitCause): Promise<void> {
    return this.#serialize(async () => {
      // Liveness waits while paused (a stopped process cannot answer, nor grow).
      if (!isLive(this.#state) || this.#state === 'paused' || this.#lastPid === null || this.#stopRequested)
        return;
      this.#exitCause = cause;
      this.#emitLine('system', `${cause.reason}: ending the process`);
      await this.#endLeftovers(this.#exited ?? Promise.resolve());
    });
  }

  /** Hands a crash report to the reporter, with this instance's history, output and config. */
  fileReport(type: CrashReportType, reason: string, context?: Record<string, unknown>): void {
    if (this.context.reports === null) return;
    try {
      this.context.reports.report({
        type,
        process: this.id,
        name: this.spec.name,
        instance: this.instance,
        time: this.context.clock.now(),
        reason,
        exitCode: this.#exit?.code ?? null,
        signal: this.#exit?.signal ?? null,
        restartHistory: this.#restarts.history(),
        lines: this.recentLines.toArray(),
        spec: this.spec,
        env: instanceEnv(this.spec, this.instance, this.context, this.marker),
        ...(context === undefined ? {} : { context }),
      });
    } catch (error) {
      this.context.reportError(toError(error), { operation: 'write crash report', severity: 'error' });
    }
  }

  #serialize<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(operation, operation);
    this.#lock = run.catch((error: unknown) => {
      this.context.reportError(toError(error), { operation: 'lifecycle', severity: 'error' });
    });
    return run;
  }

  #uptime(): number | null {
    return isLive(this.#state) && this.#startedAt !== null
      ? this.context.clock.now() - this.#startedAt
      : null;
  }

  /** @param intent `#startIntent` when the start was asked for: a stop since then cancels it. */
  async #spawn(reason: string, intent: number): Promise<void> {
    // Everything a start costs (events, environment, fork and exec) waits for its slice of the loop.
    const turn = this.context.pacer?.turn() ?? null;
    if (turn !== null) await turn;
    if (intent !== this.#startIntent) return;
    this.#transition('starting', reason);
    this.#stopRequested = false;
    this.#exitCause = null;
    this.#pausedFrom = null;
    this.#adopted = null;
    this.#exitWatch = null;
    const channels = (await this.context.channels?.prepare(this.id, this.spec)) ?? null;
    if (channels?.ok === false) {
      this.#transition('failed', channels.reason);
      return;
    }
    const launched = await launch(this.spec, this.instance, this.context, this.marker, channels ?? undefined);
    if (!launched.ok) {
      this.#transition('failed', launched.reason);
      return;
    }
    const child = launched.child;
    if (channels?.nodeChannel) this.context.channels?.attach(this.id, child);
    this.#child = child;
    this.#pid = child.pid ?? null;
    this.#lastPid = this.#pid;
    const startedAt = this.context.clock.now();
    this.#startedAt = startedAt;
    this.#exit = null;
    this.#exited = followChild(
      child,
      this.context.clock,
      (stream, lines) => this.#emitLines(stream, lines),
      (error, errorContext) => this.context.reportError(error, errorContext),
    ).then((exit) => {
      const info: ExitInfo = { ...exit, uptime: this.context.clock.now() - startedAt };
      this.#onExit(info);
      return info;
    });
    this.#transition('running', `started (pid ${this.#pid})`);
    // Liveness counts from readiness: a process is not expected to be healthy before it is ready.
    if (this.spec.ready.length > 0) void this.#checkReadiness();
    else this.#startHealthMonitor();
  }

  #emitLine(stream: LogStream, text: string): void {
    this.#emitLines(stream, LineBatch.fromTexts([text]));
  }

  /** A chunk's lines share one timestamp: under a flood, reading the clock per line is a cost of its own. */
  #emitLines(stream: LogStream, lines: LineBatch): void {
    const time = this.context.clock.now();
    this.recentLines.push(time, stream, lines);
    // A listener that does not say it holds what it keeps may keep the batch: its slab stays its own.
    if (!this.context.emitter.everyListener('output', isBorrower)) lines.pin();
    if (this.#lineListeners.size > 0) {
      for (let i = 0; i < lines.count; i += 1) {
        const text = lines.text(i);
        for (const listener of this.#lineListeners) listener(text);
      }
    }
    this.context.emitter.emit('output', {
      process: this.id,
      name: this.spec.name,
      instance: this.instance,
      stream,
      lines,
      time,
    });
  }

  #probeContext(): ProbeContext {
    return {
      onLine: (listener) => this.onLine(listener),
      env: instanceEnv(this.spec, this.instance, this.context, `${this.marker}/probe`),
      cwd: this.spec.cwd,
      ...(this.context.channels === undefined ? {} : { notify: this.context.channels.notifySource(this.id) }),
    };
  }

  /** The probe of this instance: its own `$PORT` and `$PS`, from the environment the process gets. */
  #createProbe(spec: ProbeSpec, context: ProbeContext): Probe {
    return this.context.createProbe(probeForInstance(spec, context.env), context);
  }

  #onExit(exit: ExitInfo): void {
    this.#exit = exit;
    this.#readiness?.abort();
    this.#readiness = null;
    this.#healthMonitor?.stop();
    this.#healthMonitor = null;
    this.#setHealth('unknown', 'process exited');
    this.#child = null;
    this.#pid = null;
    if (this.#stopRequested) return; // #stopNow finishes the transition.
    void this.#serialize(() => this.#handleUnrequestedExit(exit));
  }

  async #handleUnrequestedExit(exit: ExitInfo): Promise<void> {
    if (!isLive(this.#state) || this.#stopRequested) return;
    // Killed from outside while paused: what is left of the tree is still stopped.
    if (this.#state === 'paused') await this.#signalTree('SIGCONT');
    // Children left behind by the leader would hold ports and files the next run needs.
    await this.#endLeftovers(Promise.resolve());
    const cause = this.#exitCause;
    this.#exitCause = null;
    const verdict = this.#restarts.onExit(exit, this.context.clock.now(), cause);
    if (verdict.outcome === 'done') {
      this.#transition(verdict.success ? 'completed' : 'crashed', verdict.description);
      // A failed cleanup gets its own report (cleanupFailed) from the shutdown sequence.
      if (!verdict.success && this.spec.type !== 'cleanup') this.fileReport('crash', verdict.description);
      return;
    }
    this.#transition('crashed', verdict.description);
    if (verdict.outcome === 'give-up') {
      this.#transition('failed', verdict.description);
      this.fileReport('maxRetriesExceeded', verdict.description, { crashLoop: verdict.crashLoop });
      return;
    }
    // A crash that is restarted is still a crash worth a report (the reporter bounds how many are
    // kept). An exit ovrseer caused (unhealthy, over a limit) was reported when it decided to end it.
    if (!verdict.success && cause === null) {
      this.fileReport('crash', verdict.description, { restart: verdict.attempt, delay: verdict.delay });
    }
    this.#transition('backoff', `restart ${verdict.attempt} in ${verdict.delay}ms (${verdict.description})`);
    this.#backoffTimer = this.context.clock.setTimeout(() => {
      this.#backoffTimer = null;
      const intent = this.#startIntent;
      void this.#serialize(async () => {
        if (this.#state === 'backoff') await this.#spawn(`restarted after ${verdict.description}`, intent);
      });
    }, verdict.delay);
  }

  /** Ends whatever is left of the current run's process group (and its escapees). */
  async #endLeftovers(leaderExited: Promise<unknown>): Promise<void> {
    const pid = this.#lastPid;
    if (pid === null) return;
    try {
      await this.#endProcess(pid, {
        signal: this.spec.stop.signal,
        timeout: this.spec.stop.timeout,
        leaderExited,
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
    const probeContext = this.#probeContext();
    const checks = this.spec.ready.map((spec) => ({
      probe: this.#createProbe(spec.probe, probeContext),
      spec,
    }));
    try {
      const outcome = await waitUntilReady(checks, this.context.clock, abort.signal);
      if (abort.signal.aborted || this.#state !== 'running') return;
      if (outcome.ok) {
        this.#transition('ready', `ready (${checks.map((check) => check.probe.description).join(', ')})`);
        this.#restarts.markRunGood();
        this.#startHealthMonitor();
        return;
      }
      const failure = `ready check timed out after ${formatMs(outcome.timeout)} (${outcome.probe}: ${outcome.message})${this.#lastLinesSuffix()}`;
      await this.#serialize(() => this.#stopNow(failure, { failWith: failure }));
      // Filed once the process is gone, so the report holds its last lines and how it ended; not when
      // a stop asked for in the meantime ended it first.
      // (The cast undoes TypeScript's narrowing to 'running' from before the await.)
      if ((this.#state as ProcessState) === 'failed' && this.#reason === failure) {
        this.fileReport('readyTimeout', failure, { probe: outcome.probe, timeout: outcome.timeout });
      }
    } finally {
      for (const check of checks) check.probe.dispose?.();
    }
  }

  #startHealthMonitor(): void {
    const health = this.spec.health;
    if (health === null) return;
    const probe = this.#createProbe(health.probe, this.#probeContext());
    const monitor = new HealthMonitor(probe, health, this.context.clock, (change) => {
      if (this.#healthMonitor !== monitor) return;
      this.#setHealth(change.health, change.reason);
      if (change.health === 'healthy') this.#restarts.markRunGood();
      if (change.health !== 'unhealthy') return;
      this.fileReport('unhealthy', change.reason);
      if (health.onFailure === 'restart')
        void this.endRun({ kind: 'unhealthy', reason: `unhealthy: ${change.reason}` });
    });
    this.#healthMonitor = monitor;
    monitor.start();
  }

  #setHealth(to: HealthState, reason: string): void {
    const from = this.#health;
    if (from === to) return;
    this.#health = to;
    this.context.emitter.emit('health', {
      process: this.id,
      from,
      to,
      reason,
      time: this.context.clock.now(),
    });
  }

  #lastLinesSuffix(): string {
    const lines = this.recentLines.last(REASON_LINES).map((line) => line.text);
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
    // A stopped process cannot run its signal handler (nor a stop command reach it) until continued.
    if (this.#state === 'paused') await this.#continueForStop();
    const since = this.context.clock.now();
    const force = options.force ?? false;
    this.#stopProgress = {
      since,
      signal: null,
      signalAt: null,
      killAt: force ? since : since + this.spec.stop.timeout,
    };
    this.#transition('stopping', reason);
    let failure = options.failWith ?? null;
    try {
      const stopCommand = this.spec.stop.command;
      await this.#endProcess(pid, {
        signal: this.spec.stop.signal,
        timeout: this.spec.stop.timeout,
        leaderExited: this.#exited ?? Promise.resolve(),
        force,
        clock: this.context.clock,
        onSignal: (signal) => this.#signalSent(signal),
        ...(stopCommand === null
          ? {}
          : {
              beforeSignal: (signal: AbortSignal) => runStopCommand(stopCommand, this, this.context, signal),
              commandOnly: this.spec.stop.commandOnly,
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

  async #continueForStop(): Promise<void> {
    this.#pausedFrom = null;
    try {
      await this.#signalTree('SIGCONT');
    } catch (error) {
      // The stop goes on: its signal is followed by SIGCONT anyway, and SIGKILL needs none.
      this.context.reportError(toError(error), { operation: 'resume before stop', severity: 'warning' });
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

  #signalSent(signal: NodeJS.Signals): void {
    if (this.#stopProgress === null) return;
    this.#stopProgress = { ...this.#stopProgress, signal, signalAt: this.context.clock.now() };
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
    if (to !== 'stopping') this.#stopProgress = null;
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
      exitCode: this.#exit?.code ?? null,
      signal: this.#exit?.signal ?? null,
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
