import { spawn as nodeSpawn } from 'node:child_process';
import type { DependencySpec, ProcessSpec, ProjectSpec } from '../config/spec.js';
import { OvrseerError } from '../errors.js';
import { adoptInto } from './adopt/adopt-into.js';
import { ChildChannels, type IpcMessage } from './child-channels.js';
import { type Clock, systemClock } from './clock.js';
import { evaluateCondition } from './conditions.js';
import { type StartTimings, startTimings } from './critical-chain.js';
import { TypedEmitter } from './emitter.js';
import type {
  CrashReportSink,
  ErrorContext,
  ErrorHandler,
  LogLineEvent,
  ManagerEvents,
  StateChangeEvent,
  WarningEvent,
} from './events.js';
import { GateRecorder } from './gates.js';
import {
  buildDependencyGraph,
  type DependencyGraph,
  dependencyClosure,
  effectiveDependencies,
  stopBatches,
  stopLevels,
} from './graph.js';
import { SUPERVISOR_SENDER } from './ipc/message-bus.js';
import { borrows, perLine } from './line-batch.js';
import { ManagedProcess, type ManagedProcessContext, type ProcessInfo } from './managed-process.js';
import { pauseTargets } from './pause.js';
import type { Plugin } from './plugin.js';
import { PluginHost } from './plugin-host.js';
import { createProbe } from './probes/create-probe.js';
import type { ProbeFactory } from './probes/probe.js';
import { projectIdOf } from './project-id.js';
import { type ReloadHost, type ReloadOptions, type ReloadOutcome, reloadProject } from './reload-apply.js';
import { resolveSelectors, type SelectOptions, selectInstances } from './selectors.js';
import { type ShutdownResult, ShutdownSequence } from './shutdown.js';
import { SpawnPacer } from './spawn-pacer.js';
import { isLive, isSettled } from './states.js';
import { endMarkedProcesses } from './terminate.js';
import { RestartTriggers } from './triggers/restart-triggers.js';
import { explainWait, type WhyAnswer } from './why.js';

export interface ProcessManagerOptions {
  /** Receives every internal failure (spawn, kill, probe…) with its context. */
  errorHandler?: ErrorHandler;
  /** @default the system clock */
  clock?: Clock;
  /** @default node:child_process spawn */
  spawn?: typeof nodeSpawn;
  /** @default the built-in probes (log, http, tcp, exec) */
  createProbe?: ProbeFactory;
  /** The environment processes inherit. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Receives crash reports (crash, maxRetriesExceeded, readyTimeout, dependencyFailed, unhealthy, …). */
  reports?: CrashReportSink;
  /** @default `projectIdOf(spec)`; a caller that has it already saves loading node:crypto */
  projectId?: string;
  /** Spreads spawns over turns of the event loop, so the API answers while hundreds start. @default a SpawnPacer */
  spawnPacer?: SpawnPacer | null;
  /** How often an adopted process's pid is polled for its exit. @default 500 */
  adoptPollMs?: number;
  /**
   * Where the `OVRSEER_IPC` socket and the sd_notify sockets go (docs/ipc.md).
   * @default null: a private temporary directory, made when first needed
   */
  runtimeDir?: string | null;
  /** Open the `OVRSEER_IPC` socket for processes in any language. @default false (Node channels only) */
  ipcSocket?: boolean;
}

export type { ShutdownResult };
export { projectIdOf };

/**
 * Runs a project: starts processes as soon as their dependencies' conditions hold (dependency tier
 * first, then services and tasks), fails dependents of a dependency that cannot get there, and shuts
 * down in reverse order with cleanup processes last.
 */
export class ProcessManager {
  #spec: ProjectSpec;
  /** Stable per config file, carried by every child so escapees of this project — and only it — are found. */
  readonly projectId: string;
  readonly #emitter: TypedEmitter<ManagerEvents>;
  readonly #clock: Clock;
  readonly #instances = new Map<string, ManagedProcess[]>();
  /**
   * `instances()` and `get()` answer from these (the API, `ps` and every metrics pass ask for them);
   * dropped whenever scaling changes the instances.
   */
  #flat: ManagedProcess[] | null = null;
  #byId: Map<string, ManagedProcess> | null = null;
  #dependencies: Map<string, DependencySpec[]>;
  readonly #errorHandler: ErrorHandler | undefined;
  readonly #context: ManagedProcessContext;
  readonly #channels: ChildChannels;
  #scheduleQueued = false;
  /** Restarts under way (`restart` by the user): the project is not idle meanwhile. */
  #restarting = 0;
  #shutdown: Promise<ShutdownResult> | null = null;
  #wasActive = false;
  readonly #triggers: RestartTriggers;
  readonly #plugins: PluginHost;
  #pluginLogs = false;
  #startedOnce = false;
  readonly #gates = new GateRecorder();

  constructor(spec: ProjectSpec, options: ProcessManagerOptions = {}) {
    this.#spec = spec;
    this.#clock = options.clock ?? systemClock;
    this.#errorHandler = options.errorHandler;
    this.#emitter = new TypedEmitter<ManagerEvents>((error, event) =>
      this.reportError(toError(error), { operation: `${String(event)} listener`, severity: 'warning' }),
    );
    this.projectId = options.projectId ?? projectIdOf(spec);
    const total = spec.processes.reduce((sum, process) => sum + process.replicas, 0);
    if (total > spec.settings.limits.maxProcesses) {
      throw new OvrseerError(
        'OVRSEER_LIMIT_EXCEEDED',
        `${total} process instances exceed settings.limits.max_processes (${spec.settings.limits.maxProcesses}); raise the limit or lower replicas`,
      );
    }
    this.#dependencies = effectiveDependencies(spec.processes);
    this.#plugins = new PluginHost((error, errorContext) => this.reportError(error, errorContext));
    this.#channels = new ChildChannels({
      runtimeDir: options.runtimeDir ?? null,
      socket: options.ipcSocket ?? false,
      spawn: options.spawn ?? nodeSpawn,
      now: () => this.#clock.now(),
      resolve: (to) => this.select([to]).map((instance) => instance.id),
      all: () => this.instances().map((instance) => instance.id),
      reportError: (error, operation) => this.reportError(error, { operation, severity: 'warning' }),
    });
    const context: ManagedProcessContext = {
      project: { name: spec.name, id: this.projectId },
      clock: this.#clock,
      emitter: this.#emitter,
      reportError: (error, errorContext) => this.reportError(error, errorContext),
      spawn: options.spawn ?? nodeSpawn,
      createProbe: options.createProbe ?? createProbe,
      baseEnv: options.env ?? process.env,
      ...(options.spawnPacer === null ? {} : { pacer: options.spawnPacer ?? new SpawnPacer() }),
      adoption: {
        ...(options.adoptPollMs === undefined ? {} : { pollMs: options.adoptPollMs }),
        isManaged: (pid) => this.instances().some((instance) => instance.pid === pid),
      },
      channels: this.#channels,
      reports: {
        report: (request) => {
          options.reports?.report(request);
          if (this.#plugins.wants('onCrashReport')) this.#plugins.call('onCrashReport', request);
        },
      },
    };
    this.#context = context;
    for (const process of spec.processes) {
      const count = process.replicas;
      const instances = Array.from(
        { length: count },
        (_, index) => new ManagedProcess(process, count === 1 ? null : index + 1, context),
      );
      this.#instances.set(process.name, instances);
    }
    this.#triggers = new RestartTriggers(this.#clock, {
      restart: (name, reason) => this.#triggeredRestart(name, reason),
      onError: (error, processId, operation) =>
        this.reportError(error, { processId, operation, severity: 'error' }),
    });
    this.#emitter.on('state', (event) => {
      this.#gates.onState(event);
      this.#queueSchedule();
      if (this.#plugins.size > 0) this.#notifyPlugins(event);
    });
    this.#emitter.on('health', () => this.#queueSchedule());
  }

  /** The project in force: the config it was made with, or the one a live reload applied since. */
  get spec(): ProjectSpec {
    return this.#spec;
  }

  /**
   * Live reload (`ovrseer reload`): plans the difference between the spec in force and `next` and,
   * unless `dryRun`, applies it — unchanged processes are not touched (core/reload-apply.ts).
   */
  reload(next: ProjectSpec, options: ReloadOptions = {}): Promise<ReloadOutcome> {
    return reloadProject(this.#reloadHost(), next, options);
  }

  #reloadHost(): ReloadHost {
    return {
      manager: this,
      instancesOf: (name) => this.#instances.get(name) ?? [],
      dependencies: () => this.#dependencies,
      replaceSpec: (spec) => {
        this.#spec = spec;
        this.#dependencies = effectiveDependencies(spec.processes);
        const before = new Map(this.#instances);
        this.#instances.clear();
        // Config order, as `ps` lists them; a new process gets its instances, not started yet.
        for (const process of spec.processes) {
          const kept = before.get(process.name);
          if (kept !== undefined) for (const instance of kept) instance.reconfigure(process);
          this.#instances.set(
            process.name,
            kept ??
              Array.from(
                { length: process.replicas },
                (_, index) =>
                  new ManagedProcess(process, process.replicas === 1 ? null : index + 1, this.#context),
              ),
          );
        }
        this.#instancesChanged();
      },
      triggers: this.#triggers,
      hold: () => {
        this.#wasActive = true;
        this.#restarting += 1;
        return () => {
          this.#restarting -= 1;
          this.#queueSchedule();
        };
      },
    };
  }

  /** Adds a plugin (core package review, "Plugin System"); its hooks never block the engine. */
  use(plugin: Plugin): this {
    this.#plugins.add(plugin);
    if (typeof plugin.onLog === 'function' && !this.#pluginLogs) {
      this.#pluginLogs = true;
      this.on('log', (event) => this.#plugins.call('onLog', event));
    }
    if (this.#startedOnce) this.#plugins.call('onManagerStart', this);
    return this;
  }

  /** Resolves when every plugin hook queued so far has run (or timed out). */
  drainPlugins(): Promise<void> {
    return this.#plugins.drain();
  }

  #notifyPlugins(event: StateChangeEvent): void {
    this.#plugins.call('onStateChange', event);
    const instance = this.get(event.process);
    if (instance === undefined) return;
    if (event.to === 'running') this.#plugins.call('onProcessStart', instance.info());
    if (isLive(event.from) && !isLive(event.to) && event.from !== 'starting') {
      this.#plugins.call('onProcessExit', instance.info(), { code: event.exitCode, signal: event.signal });
    }
  }

  /** Subscribes; `log` listeners get each line of the `output` batches on its own. */
  on<K extends keyof ManagerEvents>(event: K, listener: (payload: ManagerEvents[K]) => void): () => void {
    if (event === 'log')
      return this.#emitter.on('output', borrows(perLine(listener as (event: LogLineEvent) => void)));
    return this.#emitter.on(event, listener);
  }

  /** Every instance, in config order (the same array until scaling changes them: do not modify it). */
  instances(): readonly ManagedProcess[] {
    this.#flat ??= [...this.#instances.values()].flat();
    return this.#flat;
  }

  #instancesChanged(): void {
    this.#flat = null;
    this.#byId = null;
  }

  /** An instance by id (`api`, `worker.2`). */
  get(id: string): ManagedProcess | undefined {
    this.#byId ??= new Map(this.instances().map((instance) => [instance.id, instance]));
    return this.#byId.get(id);
  }

  list(): ProcessInfo[] {
    return this.instances().map((instance) => instance.info());
  }

  getDependencyGraph(): DependencyGraph {
    return buildDependencyGraph(this.spec.processes);
  }

  /** `ovrseer why`: what holds an instance back now, each dependency followed down; for a failed one, the first cause. */
  why(id: string): WhyAnswer {
    const instance = this.get(id) ?? this.#instances.get(id)?.[0];
    if (instance === undefined) resolveSelectors(this.spec.processes, [id]);
    if (instance === undefined) throw new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `unknown process "${id}"`);
    return explainWait(instance, {
      instancesOf: (name) => this.#instances.get(name) ?? [],
      dependenciesOf: (name) => this.#dependencies.get(name) ?? [],
      gates: (processId) => this.#gates.get(processId),
    });
  }

  /** The timings of each gate of the last start and its critical chain (`ovrseer graph --timings`). */
  startTimings(target?: string): StartTimings {
    const live = new Set(this.instances().map((instance) => instance.id));
    return startTimings(
      this.#gates.all().filter((record) => live.has(record.process)),
      (id) => (this.get(id)?.spec.ready.length ?? 0) > 0,
      target,
    );
  }

  get isShuttingDown(): boolean {
    return this.#shutdown !== null;
  }

  /**
   * Starts the named processes (all non-cleanup, enabled ones by default) and everything they depend
   * on. Resolves once each has started, become ready, or failed — not when they exit.
   */
  async start(names?: readonly string[]): Promise<ProcessInfo[]> {
    if (this.#shutdown !== null)
      throw new OvrseerError('OVRSEER_INVALID_STATE', 'the project is shutting down');
    const { targets, closure } = this.#startTargets(names);
    for (const instance of targets) {
      if (isSettled(instance.state)) instance.markPending(this.#describeWait(instance.spec));
    }
    this.#wasActive = true;
    if (!this.#startedOnce) {
      this.#startedOnce = true;
      this.#plugins.call('onManagerStart', this);
    }
    this.#schedule();
    await this.#triggers.start(this.spec.processes.filter((process) => closure.has(process.name)));
    await this.#until(() => targets.every((instance) => startSettled(instance)));
    return targets.map((instance) => instance.info());
  }

  /**
   * Tracks a running process ovrseer did not start as the instance `name` (docs/adopt.md). Resolves
   * with its info once it is `running`; throws OVRSEER_ADOPT_NO_PROCESS, OVRSEER_ADOPT_FORBIDDEN
   * (another user's), OVRSEER_ADOPT_OURS, OVRSEER_UNKNOWN_PROCESS, or OVRSEER_INVALID_STATE when
   * `name` runs already or has several replicas.
   */
  adopt(name: string, options: { pid: number }): Promise<ProcessInfo> {
    return adoptInto(this, this.#context, name, options.pid);
  }

  /** The instances `start(names)` would start: the named ones and everything they depend on. */
  plannedStart(names?: readonly string[]): ManagedProcess[] {
    return this.#startTargets(names).targets;
  }

  #startTargets(names: readonly string[] | undefined): { targets: ManagedProcess[]; closure: Set<string> } {
    const selected =
      names === undefined || names.length === 0
        ? this.instances().filter((instance) => instance.spec.type !== 'cleanup' && !instance.spec.disabled)
        : this.select(names, { toStart: true });
    const requested = new Set(selected.map((instance) => instance.spec.name));
    // A named replica starts alone; what it depends on starts whole (its conditions count every instance).
    const needed = dependencyClosure(
      [...requested].flatMap((name) =>
        (this.#dependencies.get(name) ?? []).map((dependency) => dependency.name),
      ),
      this.#dependencies,
    );
    const chosen = new Set([...selected, ...[...needed].flatMap((name) => this.#instances.get(name) ?? [])]);
    return {
      targets: this.instances().filter((instance) => chosen.has(instance)),
      closure: new Set([...requested, ...needed]),
    };
  }

  /** Stops the selected processes (`api`, `worker.2`, `group:web`, `tag:db`, `all`). */
  async stop(selectors: readonly string[]): Promise<void> {
    const targets = this.select(selectors);
    await Promise.all(targets.map((instance) => instance.stop('stop requested')));
  }

  /**
   * SIGSTOPs the selected instances' whole trees (`api`, `worker.2`, `group:web`, `tag:db`, `all`):
   * state `paused`, probes and liveness suspended until `resume`. A named instance that is not running
   * or ready is refused (OVRSEER_NOT_PAUSABLE) before anything is paused; `group:`/`tag:`/`all` skip
   * such instances. Resolves with the instances paused (already paused ones included).
   */
  async pause(selectors: readonly string[]): Promise<ProcessInfo[]> {
    if (this.#shutdown !== null)
      throw new OvrseerError('OVRSEER_INVALID_STATE', 'the project is shutting down');
    const targets = pauseTargets(selectors, this.select(selectors), 'pause');
    await Promise.all(targets.map((instance) => instance.pause('pause requested')));
    return targets.map((instance) => instance.info());
  }

  /**
   * SIGCONTs the selected paused instances; each returns to the state it was paused in (running or
   * ready) and its checks start afresh. A named instance that is neither paused nor running is refused
   * (OVRSEER_NOT_PAUSED).
   */
  async resume(selectors: readonly string[]): Promise<ProcessInfo[]> {
    const targets = pauseTargets(selectors, this.select(selectors), 'resume');
    await Promise.all(targets.map((instance) => instance.resume('resume requested')));
    return targets.map((instance) => instance.info());
  }

  /** Restarts the selected processes; a manual restart clears a give-up. */
  async restart(selectors: readonly string[]): Promise<void> {
    // `restart all` does not start a disabled process; one started by name and running is restarted.
    const startable = new Set(this.select(selectors, { toStart: true }));
    const targets = this.select(selectors).filter(
      (instance) => startable.has(instance) || isLive(instance.state),
    );
    this.#wasActive = true;
    // Between the stop and the start nothing runs: that is not the project going idle (which ends `up`).
    this.#restarting += 1;
    try {
      await Promise.all(targets.map((instance) => instance.restart('restart requested')));
    } finally {
      this.#restarting -= 1;
      this.#queueSchedule();
    }
  }

  /**
   * Sets the number of instances of a process: new replicas start at once when the process is
   * running; surplus ones are stopped highest-numbered first and removed. Replicas get `PORT` + index.
   */
  async scale(name: string, replicas: number): Promise<ManagedProcess[]> {
    const spec = this.spec.processes.find((process) => process.name === name);
    if (spec === undefined) resolveSelectors(this.spec.processes, [name]);
    if (spec === undefined) throw new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `unknown process "${name}"`);
    if (spec.type === 'cleanup')
      throw new OvrseerError('OVRSEER_USAGE', `${name} is a cleanup process; it cannot be scaled`);
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new OvrseerError('OVRSEER_USAGE', `replicas must be a whole number >= 0, got ${replicas}`);
    }
    const current = this.#instances.get(name) ?? [];
    const total = this.instances().length - current.length + replicas;
    if (total > this.spec.settings.limits.maxProcesses) {
      throw new OvrseerError(
        'OVRSEER_LIMIT_EXCEEDED',
        `scaling ${name} to ${replicas} makes ${total} instances, over settings.limits.max_processes (${this.spec.settings.limits.maxProcesses})`,
      );
    }
    if (replicas > current.length) {
      const running = current.some((instance) => isLive(instance.state) || instance.state === 'backoff');
      if (replicas > 1) for (const instance of current) instance.becomeReplica();
      const added = Array.from(
        { length: replicas - current.length },
        (_, index) =>
          new ManagedProcess(spec, replicas === 1 ? null : current.length + index + 1, this.#context),
      );
      this.#instances.set(name, [...current, ...added]);
      this.#instancesChanged();
      if (running || current.length === 0) {
        this.#wasActive = true;
        await Promise.all(added.map((instance) => instance.start(`scaled to ${replicas}`)));
      }
    } else if (replicas < current.length) {
      const surplus = current.slice(replicas).reverse();
      for (const instance of surplus) await instance.stop(`scaled to ${replicas}`);
      this.#instances.set(name, current.slice(0, replicas));
      this.#instancesChanged();
    }
    return this.#instances.get(name) ?? [];
  }

  /** Restarts every process of a group (core package review 2.2). */
  restartGroup(group: string): Promise<void> {
    return this.restart([`group:${group}`]);
  }

  /** Stops every process carrying any of the tags. */
  stopByTag(...tags: string[]): Promise<void> {
    return this.stop(tags.map((tag) => `tag:${tag}`));
  }

  /** Every instance of the processes carrying the tag (empty when none does). */
  getProcessesByTag(tag: string): ManagedProcess[] {
    return this.instances().filter((instance) => instance.spec.tags.includes(tag));
  }

  /** Every instance of the processes in the group. */
  getProcessesByGroup(group: string): ManagedProcess[] {
    return this.instances().filter((instance) => instance.spec.group === group);
  }

  /** Restarts every running process, dependencies first. */
  async restartAll(): Promise<void> {
    await this.shutdownProcesses({ runCleanup: false });
    this.#shutdown = null;
    await this.start();
  }

  /**
   * Graceful shutdown: dependents before their dependencies, lower priority first within a level,
   * then the cleanup processes — always, even after a failed start. `force` SIGKILLs everything now
   * (a second Ctrl-C). Calling it again while a shutdown runs joins it (or forces it).
   */
  shutdown(options: { force?: boolean } = {}): Promise<ShutdownResult> {
    if (this.#shutdown !== null) {
      if (options.force) this.#shutdownSequence?.force();
      return this.#shutdown;
    }
    return this.shutdownProcesses({ runCleanup: true, force: options.force ?? false });
  }

  #shutdownSequence: ShutdownSequence | null = null;

  private shutdownProcesses(options: { runCleanup: boolean; force?: boolean }): Promise<ShutdownResult> {
    // Starts still queued for their turn to spawn would spawn only to be stopped by a later batch.
    for (const instance of this.instances()) instance.cancelPendingStart();
    const triggersStopped = this.#triggers.stop();
    const sequence = new ShutdownSequence({
      instances: this.instances(),
      levels: stopLevels(this.#dependencies),
      batches: stopBatches,
      clock: this.#clock,
      runCleanup: options.runCleanup,
      shutdownTimeout: this.spec.settings.shutdownTimeout,
      sweep: (force) => this.#sweepProject(force),
      reportError: (error, context) => this.reportError(error, context),
    });
    this.#shutdownSequence = sequence;
    if (options.force) sequence.force();
    this.#shutdown = triggersStopped
      .then(() => sequence.run())
      .then(async (result) => {
        await this.#channels.close();
        return result;
      });
    return this.#shutdown;
  }

  async #sweepProject(force: boolean): Promise<number> {
    const found = await endMarkedProcesses({
      projectId: this.projectId,
      markerPrefix: `${this.spec.name}/`,
      policyFor: (marker) => {
        if (force) return { signal: 'SIGKILL', timeout: 0 };
        // Markers read `<project>/<name>/<instance>[/…]`: the escapee gets its process's stop settings.
        const name = marker.split('/')[1] ?? '';
        return (
          this.spec.processes.find((process) => process.name === name)?.stop ?? {
            signal: 'SIGTERM',
            timeout: this.spec.settings.shutdownTimeout,
          }
        );
      },
      clock: this.#clock,
    });
    return found.length;
  }

  /**
   * Sends `message` (any JSON value) to every instance `to` names (`api`, `worker.2`, `group:G`,
   * `tag:T`, `all`), from instance `from` or, with `null`, from ovrseer itself (`@ovrseer`). Throws
   * `OVRSEER_UNKNOWN_PROCESS`, `OVRSEER_PAYLOAD_TOO_LARGE` (over 1 MiB), or `OVRSEER_NOT_LISTENING`
   * when none of them has a socket connection or Node channel (docs/ipc.md).
   */
  sendMessage(from: string | null, to: string, message: unknown): IpcMessage {
    return this.#channels.bus.send(this.#sender(from), to, message);
  }

  /** `sendMessage` to every instance but the sender; listening ones get it, the rest are skipped. */
  broadcast(from: string | null, message: unknown): IpcMessage {
    return this.#channels.bus.send(this.#sender(from), '*', message);
  }

  /** Every message routed — from processes, the API or `sendMessage`; returns the unsubscriber. */
  onMessage(handler: (message: IpcMessage) => void): () => void {
    return this.#channels.bus.onMessage(handler);
  }

  #sender(from: string | null): string {
    if (from === null) return SUPERVISOR_SENDER;
    if (this.get(from) === undefined)
      throw new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `no instance "${from}" to send from`);
    return from;
  }

  /** Publishes a warning (from the metrics sampler: sustained CPU, a leak, a memory limit) to every front end. */
  emitWarning(warning: WarningEvent): void {
    this.#emitter.emit('warning', warning);
  }

  reportError(error: Error, context: ErrorContext): void {
    const time = this.#clock.now();
    if (this.#errorHandler !== undefined) {
      try {
        this.#errorHandler.onError(error, context);
      } catch (handlerError) {
        // The handler itself failed; the event below is the last place left to say so.
        this.#emitter.emit('error', {
          error: toError(handlerError),
          context: { operation: 'error handler', severity: 'error' },
          time,
        });
      }
    }
    this.#emitter.emit('error', { error, context, time });
  }

  /**
   * The instances that `api`, `worker.2`, `group:web`, `tag:db` or `all` name now — after scaling,
   * `worker.3` exists even if the config says one replica. An unknown target is an error naming what
   * exists.
   */
  select(selectors: readonly string[], options: SelectOptions = {}): ManagedProcess[] {
    if (selectors.length === 0)
      throw new OvrseerError('OVRSEER_USAGE', 'name at least one process, or "all"');
    return selectInstances(this.spec.processes, this.instances(), selectors, options);
  }

  /**
   * compose's `up --no-deps`: the named processes start without what they depend on outside `names`,
   * and without waiting for it. Called before they start; the config's graph (`ovrseer graph`) stays.
   */
  withoutDependencies(names: readonly string[]): void {
    const kept = new Set(names);
    for (const name of names) {
      const own = this.#dependencies.get(name);
      if (own !== undefined)
        this.#dependencies.set(
          name,
          own.filter((dependency) => kept.has(dependency.name)),
        );
    }
  }

  /**
   * A watch or cron trigger fired: restart the instances that run or ran on their own (crashed,
   * failed, completed), never one the user stopped or one still waiting for its dependencies.
   */
  #triggeredRestart(name: string, reason: string): void {
    if (this.#shutdown !== null) return;
    for (const instance of this.#instances.get(name) ?? []) {
      const { state } = instance;
      if (state === 'stopped' || state === 'pending' || state === 'stopping') continue;
      this.#wasActive = true;
      void instance.restart(reason);
    }
  }

  #queueSchedule(): void {
    if (this.#scheduleQueued) return;
    this.#scheduleQueued = true;
    // Deferred so that a transient state (crashed, just before backoff) is never mistaken for final.
    queueMicrotask(() => {
      this.#scheduleQueued = false;
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#shutdown === null) {
      for (const instance of this.instances()) {
        if (instance.state !== 'pending') continue;
        const verdict = this.#dependencyVerdict(instance);
        if (verdict.kind === 'failed') instance.failPending(verdict.reason);
        else if (verdict.kind === 'met') void instance.start('dependencies ready');
      }
    }
    this.#checkIdle();
  }

  #describeWait(spec: ProcessSpec): string {
    const dependencies = this.#dependencies.get(spec.name) ?? [];
    if (dependencies.length === 0) return 'queued';
    return `waiting for ${dependencies.map((dependency) => `${dependency.name} (${dependency.condition})`).join(', ')}`;
  }

  #dependencyVerdict(instance: ManagedProcess): ReturnType<typeof evaluateCondition> {
    const verdicts = (this.#dependencies.get(instance.spec.name) ?? []).map((dependency) => ({
      name: dependency.name,
      condition: dependency.condition,
      status: evaluateCondition(dependency.condition, this.#instances.get(dependency.name) ?? []),
    }));
    // Every condition is evaluated (not up to the first failure) so that `why` has each one's timings.
    this.#gates.observe(instance.id, verdicts, this.#clock.now());
    const failed = verdicts.find((verdict) => verdict.status.kind === 'failed');
    if (failed !== undefined) return failed.status;
    return verdicts.some((verdict) => verdict.status.kind === 'waiting')
      ? { kind: 'waiting' }
      : { kind: 'met' };
  }

  #checkIdle(): void {
    if (!this.#wasActive || this.#restarting > 0) return;
    const active = this.instances().some(
      (instance) => isLive(instance.state) || instance.state === 'pending' || instance.state === 'backoff',
    );
    if (!active) {
      this.#wasActive = false;
      this.#emitter.emit('idle', { time: this.#clock.now() });
    }
  }

  /** Resolves when `predicate` holds, re-checked on every state change. */
  #until(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.#emitter.on('state', () => {
        if (!predicate()) return;
        off();
        resolve();
      });
    });
  }
}

/** Whether `start()` may stop waiting for this instance. */
function startSettled(instance: ManagedProcess): boolean {
  const { state } = instance;
  // `stopping` during start is a failed readiness check on its way to `failed`.
  if (state === 'pending' || state === 'starting' || state === 'stopping') return false;
  if (state === 'running') return instance.spec.ready.length === 0;
  return true;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new OvrseerError('OVRSEER_INTERNAL', String(error));
}
