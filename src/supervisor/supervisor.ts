import { apiSettingsProblems, remoteWarning } from '../config/api-listen.js';
import type { ProjectSpec } from '../config/spec.js';
import type { ManagerEvents, WarningEvent } from '../core/events.js';
import { buildDependencyGraph } from '../core/graph.js';
import { processStartTime } from '../core/kill.js';
import { instanceEnv } from '../core/launch.js';
import { ProcessManager, projectIdOf, type ShutdownResult } from '../core/process-manager.js';
import type { ReloadOutcome } from '../core/reload-apply.js';
import { describeShutdown } from '../core/shutdown.js';
import { isLive } from '../core/states.js';
import type { WhyAnswer } from '../core/why.js';
import { errorMessage, OvrseerError } from '../errors.js';
import { logRecord } from '../logs/format.js';
import { createProjectLogs, type ProjectLogs } from '../logs/project-logs.js';
import { resolveLogTargets } from '../logs/targets.js';
import type { HistoryPoint } from '../metrics/history.js';
import { ensureStateDir, type StatePaths } from '../os/state-dir.js';
import { Subreaper } from '../os/subreaper.js';
import { loadPlugins } from '../plugins/load.js';
import { CrashReporter } from '../reports/crash-reporter.js';
import type { ApiBackend } from './api/backend.js';
import { apiLimits } from './api/limits.js';
import type { Action } from './api/request-checks.js';
import { ApiServer, socketPathFor } from './api/server.js';
import { ensureSocketDir } from './api/socket-path.js';
import { ApiClient } from './client.js';
import { OrphanKeeper } from './orphans.js';
import { type InstanceMetrics, type ProcessRow, processRow } from './process-rows.js';
import { recoverLeftovers } from './recovery.js';
import { type RegistryOptions, registerIn, unregisterSupervisor } from './registry.js';
import { configLoader, describeReload } from './reload.js';
import {
  boundedSnapshot,
  buildSnapshot,
  type SnapshotOptions,
  type SnapshotSource,
} from './snapshot/build.js';
import { readConfigSource } from './snapshot/config-source.js';
import type { Snapshot } from './snapshot/format.js';
import { readStateFile, writeStateFile } from './state-file.js';
import { SupervisorLog } from './supervisor-log.js';
import { WarningHistory } from './warning-history.js';
import { type LiveGraph, liveGraph, whyWithReports } from './why-answer.js';

/** The most often `state.json` is written while processes change state. */
const STATE_WRITE_INTERVAL_MS = 100;

export interface SupervisorOptions {
  /** The environment processes inherit. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Per-instance figures for `ps` and the API, once a metrics sampler runs. */
  metrics?: {
    latest(id: string): InstanceMetrics | null;
    text(): Promise<string>;
    /** The kept resource history of an instance, oldest first (the dashboard's graphs). */
    history?(id: string): HistoryPoint[];
  };
  /** @default `projectIdOf(spec)`; the detached supervisor gets it from the CLI, which computed it */
  projectId?: string;
  /**
   * This process ends once the supervisor has shut down (the detached supervisor does): a shutdown
   * request is then answered with its pid, so `ovrseer down` waits until the process is gone, not
   * only its socket. @default false (a program embedding a Supervisor goes on running)
   */
  exitsAfterShutdown?: boolean;
  /**
   * Become the child subreaper of everything started (Linux, through the optional `koffi`): orphans
   * that shed our group and marker are reparented here and ended by the shutdown. It patches
   * `ChildProcess.prototype.spawn` to tell Node's children from orphans, so it is for a process that
   * is a supervisor and nothing else (the CLI's). @default false
   */
  subreaper?: boolean;
  /** The dashboard's built page the API serves at `/`. @default dist/web/ of this package */
  webRoot?: string;
  /**
   * Reads the config again for `reload` (supervisor/reload.ts `configLoader`, with the options `up`
   * loaded it with). @default `loadProject({file: spec.file})`; none for a spec built in code
   */
  loadConfig?: () => Promise<ProjectSpec>;
  /**
   * Where `ovrseer ls` finds this supervisor while it runs; false: not listed.
   * @default the user's registry (`$XDG_STATE_HOME/ovrseer/projects`)
   */
  registry?: RegistryOptions | false;
}

/**
 * One running project: the engine plus its services — logs (memory and files), crash reports, the
 * state file that lets the next `up` clean up after a killed supervisor, and the API on the project's
 * socket. It is the only writer of process state; front ends observe it.
 */
export class Supervisor implements ApiBackend {
  readonly manager: ProcessManager;
  readonly logs: ProjectLogs;
  readonly reporter: CrashReporter;
  readonly paths: StatePaths;
  /** `<state_dir>/ovrseer.log`: the supervisor's own events (not the children's output). */
  readonly log: SupervisorLog;
  /** What the start-up recovery ended, for the caller to print. */
  readonly recovered: string[];
  readonly #api: ApiServer;
  #metrics: NonNullable<SupervisorOptions['metrics']> | null;
  #stateWrite: NodeJS.Timeout | null = null;
  #lastStateWrite = 0;
  /** Start times by pid: a pid's does not change, and reading 1,000 of them per write costs ~15 ms. */
  #startTimes = new Map<number, number | null>();
  #shutdown: Promise<ShutdownResult> | null = null;
  #orphans: OrphanKeeper | null = null;
  #registryPath: string | null = null;
  readonly #started = new Date().toISOString();
  /** `unless-stopped` processes the user stopped (docker's semantics: remembered across restarts). */
  readonly #userStopped = new Set<string>();
  readonly #shutdownListeners = new Set<() => void>();
  readonly #exitsAfterShutdown: boolean;
  readonly #limits = apiLimits();
  readonly #loadConfig: (() => Promise<ProjectSpec>) | null;
  /** Reloads one after another: the second plans against what the first applied. */
  #reloading: Promise<unknown> = Promise.resolve();
  /** The config file's text at start-up, for snapshots. */
  #configSource: SnapshotSource['configSource'] = null;
  readonly #warnings = new WarningHistory();

  private constructor(spec: ProjectSpec, paths: StatePaths, recovered: string[], options: SupervisorOptions) {
    this.paths = paths;
    this.recovered = recovered;
    this.log = new SupervisorLog({
      path: paths.supervisorLog,
      // The failure is also written to the log, which drops lines while its disk fails: no loop.
      onError: (error, operation) => this.manager.reportError(error, { operation, severity: 'warning' }),
    });
    this.#metrics = options.metrics ?? null;
    this.#exitsAfterShutdown = options.exitsAfterShutdown ?? false;
    this.#loadConfig =
      options.loadConfig ?? (spec.file === null ? null : configLoader({ file: spec.file, cwd: spec.dir }));
    this.reporter = new CrashReporter({
      dir: paths.reports,
      maxReports: spec.settings.limits.maxCrashReports,
      maxReportSize: spec.settings.limits.maxCrashReportSize,
      onError: (error, context) => this.manager.reportError(error, context),
      ...(spec.settings.reports.snapshot
        ? { snapshot: (maxBytes: number) => boundedSnapshot(this.#snapshotSource(), maxBytes) }
        : {}),
    });
    this.manager = new ProcessManager(spec, {
      reports: this.reporter,
      runtimeDir: paths.root,
      ipcSocket: true,
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
    });
    this.logs = createProjectLogs(spec, {
      reportError: (error, context) => this.manager.reportError(error, context),
    });
    this.logs.attach(this.manager);
    this.log.attach(this.manager);
    this.#api = new ApiServer(this, {
      paths,
      projectId: this.manager.projectId,
      listen: spec.settings.api.listen,
      token: spec.settings.api.token,
      allowRemote: spec.settings.api.allowRemote,
      tls: spec.settings.api.tls,
      limits: this.#limits,
      ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
      onLimit: (text) => this.log.note(text, 'warn'),
    });
    this.manager.on('state', () => this.#scheduleStateWrite());
    this.#configSource = readConfigSource(spec.file, (message) => this.log.note(message, 'warn'));
    this.manager.on('warning', (warning) => this.#warnings.push(warning));
  }

  /**
   * Prepares the state directory, refuses to run twice for one project, ends what a killed
   * supervisor left behind, loads earlier crash reports and opens the API.
   */
  static async open(spec: ProjectSpec, options: SupervisorOptions = {}): Promise<Supervisor> {
    // A spec built in code skipped the config's checks: the same ones, before anything is touched.
    const problem = apiSettingsProblems(spec.settings.api)[0];
    if (problem !== undefined)
      throw new OvrseerError('OVRSEER_USAGE', `settings.api.${problem.key}: ${problem.message}`);
    const paths = ensureStateDir(spec.settings.stateDir, 'logs', 'reports');
    // Before anything is spawned: every child Node spawns from here on is told from an orphan.
    const subreaper = options.subreaper ? Subreaper.enable() : null;
    const projectId = options.projectId ?? projectIdOf(spec);
    const socketPath = socketPathFor(paths, projectId);
    ensureSocketDir(socketPath, paths);
    if (await new ApiClient(socketPath).ping()) {
      throw new OvrseerError(
        'OVRSEER_ALREADY_RUNNING',
        `ovrseer is already running for ${spec.file ?? spec.dir} (socket ${socketPath}); use \`ovrseer ps\`, or \`ovrseer down\` first`,
      );
    }
    const plugins = await loadPlugins(spec.plugins ?? [], spec.name);
    const state = readStateFile(paths.stateFile);
    const previous = state.content;
    const recovered = await recoverLeftovers(spec, previous, projectId);
    if (state.warning !== null) recovered.unshift(state.warning);
    const supervisor = new Supervisor(spec, paths, recovered, { ...options, projectId });
    if (subreaper !== null) supervisor.#orphans = OrphanKeeper.start(subreaper, supervisor.log);
    for (const plugin of plugins) supervisor.manager.use(plugin);
    for (const name of previous?.userStopped ?? []) {
      const process = spec.processes.find((candidate) => candidate.name === name);
      if (process?.restart.policy !== 'unless-stopped') continue;
      supervisor.#userStopped.add(name);
      supervisor.recovered.push(
        `${name} stays stopped: it was stopped by hand before (restart: unless-stopped); \`ovrseer start ${name}\` starts it`,
      );
    }
    await supervisor.reporter.load();
    await supervisor.#api.listen();
    supervisor.#writeState();
    if (options.registry !== false)
      supervisor.#registryPath = registerIn(spec, supervisor, supervisor.#started, options.registry);
    supervisor.log.note(
      `supervisor pid ${process.pid} for ${spec.file ?? spec.dir}: ${supervisor.manager.instances().length} process instances, API on ${supervisor.socketPath}`,
    );
    for (const message of supervisor.recovered) supervisor.log.note(message);
    const remote = remoteWarning(spec.settings.api);
    if (remote !== null) {
      supervisor.recovered.push(remote);
      supervisor.log.note(remote, 'warn');
    }
    return supervisor;
  }

  get socketPath(): string {
    return this.#api.socketPath;
  }

  setMetrics(metrics: SupervisorOptions['metrics']): void {
    this.#metrics = metrics ?? null;
  }

  start(names?: readonly string[]): ReturnType<ProcessManager['start']> {
    const chosen = this.#startNames(names);
    // Every process was stopped by hand: start none (an empty list would mean all).
    return chosen === null ? Promise.resolve([]) : this.manager.start(chosen);
  }

  /** The instances `start(names)` starts, dependencies included. */
  plannedStart(names?: readonly string[]): ReturnType<ProcessManager['plannedStart']> {
    const chosen = this.#startNames(names);
    return chosen === null ? [] : this.manager.plannedStart(chosen);
  }

  /** `unless-stopped` processes stopped by hand stay stopped when nothing is named; null: none is left. */
  #startNames(names: readonly string[] | undefined): readonly string[] | undefined | null {
    if ((names !== undefined && names.length > 0) || this.#userStopped.size === 0) return names;
    const wanted = this.manager.spec.processes
      .filter(
        (process) => process.type !== 'cleanup' && !process.disabled && !this.#userStopped.has(process.name),
      )
      .map((process) => process.name);
    return wanted.length === 0 ? null : wanted;
  }

  /** Graceful (or forced) shutdown of everything, then the services: logs flushed, API closed. */
  shutdown(options: { force?: boolean } = {}): Promise<ShutdownResult> {
    if (this.#shutdown !== null) {
      if (options.force) void this.manager.shutdown({ force: true });
      return this.#shutdown;
    }
    for (const listener of this.#shutdownListeners) listener();
    this.#shutdown = (async () => {
      const result = await this.manager.shutdown(options);
      if (this.#orphans !== null) {
        const ended = await this.#orphans.endAll(options.force ? 0 : 2000);
        if (ended.length > 0)
          this.log.note(
            `ended ${ended.length} orphaned process(es) that had left the project's groups: pid ${ended.join(', ')}`,
            'warn',
          );
      }
      await this.reporter.flush();
      await this.manager.drainPlugins();
      await this.logs.close();
      await this.#api.close();
      if (this.#registryPath !== null) unregisterSupervisor(this.#registryPath, this.log);
      if (this.#stateWrite !== null) clearTimeout(this.#stateWrite);
      this.#writeState();
      for (const line of describeShutdown(result)) this.log.note(line.text, line.level);
      await this.log.close();
      return result;
    })();
    return this.#shutdown;
  }

  /** Called when a shutdown starts from anywhere (API, signal). */
  onShutdown(listener: () => void): () => void {
    this.#shutdownListeners.add(listener);
    return () => this.#shutdownListeners.delete(listener);
  }

  // --- ApiBackend ---------------------------------------------------------------------------------

  rows(): ProcessRow[] {
    return this.manager
      .instances()
      .map((instance) => processRow(instance, this.#metrics?.latest(instance.id) ?? null));
  }

  async act(action: Action, targets: readonly string[]): Promise<void> {
    if (this.#shutdown !== null)
      throw new OvrseerError('OVRSEER_INVALID_STATE', 'the project is shutting down');
    this.log.note(`${action} ${targets.join(' ')} requested`);
    if (action === 'pause' || action === 'resume') {
      // Nothing to persist: a supervisor started after this one died finds paused leftovers and ends
      // them like any others (their stop signal is followed by SIGCONT).
      await (action === 'pause' ? this.manager.pause(targets) : this.manager.resume(targets));
      return;
    }
    // Resolved here, against the instances that run now (after any scaling), not the config's replicas.
    const selected = this.manager.select(targets);
    const touched = [...new Set(selected.map((instance) => instance.spec))].filter(
      (process) => process.restart.policy === 'unless-stopped',
    );
    if (action === 'stop') {
      await this.manager.stop(targets);
      // Stopped by hand only when every instance was: one replica stopped leaves the process wanted.
      const chosen = new Set(selected);
      for (const process of touched) {
        const all = this.manager.instances().filter((instance) => instance.name === process.name);
        if (all.every((instance) => chosen.has(instance))) this.#userStopped.add(process.name);
      }
    } else {
      for (const process of touched) this.#userStopped.delete(process.name);
      if (action === 'restart') await this.manager.restart(targets);
      else await this.manager.start(targets);
    }
    this.#scheduleStateWrite();
  }

  /**
   * Re-reads the config and applies only the difference (`ovrseer reload`, SIGHUP). A file that does
   * not validate changes nothing: its ConfigError is thrown, and the config in force keeps running.
   */
  reload(options: { dryRun?: boolean } = {}): Promise<ReloadOutcome> {
    const run = this.#reloading.then(() => this.#reload(options.dryRun === true));
    this.#reloading = run.catch(() => undefined);
    return run;
  }

  async #reload(dryRun: boolean): Promise<ReloadOutcome> {
    if (this.#shutdown !== null)
      throw new OvrseerError('OVRSEER_INVALID_STATE', 'the project is shutting down');
    const load = this.#loadConfig;
    if (load === null)
      throw new OvrseerError(
        'OVRSEER_USAGE',
        'this supervisor was given its project in code, not a file: call supervisor.manager.reload(spec)',
      );
    this.log.note(`reload${dryRun ? ' --dry-run' : ''} requested: reading ${this.manager.spec.file}`);
    try {
      const outcome = await this.manager.reload(await load(), { dryRun });
      for (const line of describeReload(outcome, dryRun)) this.log.note(line);
      if (outcome.applied) {
        for (const process of this.manager.spec.processes)
          this.logs.files?.configure(process.name, process.log);
        this.#scheduleStateWrite();
      }
      return outcome;
    } catch (error) {
      this.log.note(`reload refused, the config in force runs on: ${errorMessage(error)}`, 'warn');
      throw error;
    }
  }

  sendMessage(to: string, message: unknown): { delivered: string[] } {
    const sent =
      to === '*' ? this.manager.broadcast(null, message) : this.manager.sendMessage(null, to, message);
    return { delivered: sent.delivered };
  }

  warnings(): WarningEvent[] {
    return this.#warnings.list();
  }

  async scale(name: string, replicas: number): Promise<void> {
    this.log.note(`scale ${name}=${replicas} requested`);
    await this.manager.scale(name, replicas);
  }

  async adopt(name: string, pid: number): Promise<void> {
    this.log.note(`adopt ${name} --pid ${pid} requested`);
    await this.manager.adopt(name, { pid });
    this.#userStopped.delete(name);
    this.#scheduleStateWrite();
  }

  sendInput(id: string, data: Buffer): boolean {
    return this.#instance(id).sendInput(data, this.#limits.maxPendingInput);
  }

  context(id: string): { env: Record<string, string | undefined>; cwd: string } {
    const instance = this.#instance(id);
    const env = instanceEnv(
      instance.spec,
      instance.instance,
      { baseEnv: process.env, project: { name: this.manager.spec.name, id: this.manager.projectId } },
      `${instance.marker}/exec`,
    );
    return { env, cwd: instance.spec.cwd };
  }

  logStore(): ProjectLogs['store'] {
    return this.logs.store;
  }

  exitingPid(): number | null {
    return this.#exitsAfterShutdown ? process.pid : null;
  }

  logTargets(selectors: readonly string[]): string[] | undefined {
    return resolveLogTargets(
      this.manager.spec.processes,
      selectors,
      this.paths.logs,
      this.manager.instances(),
    ).processes;
  }

  history(id: string): { points: HistoryPoint[]; memoryLimit: number | null; cpuLimit: number | null } {
    const instance = this.#instance(id);
    return {
      points: this.#metrics?.history?.(instance.id) ?? [],
      memoryLimit: instance.spec.limits.memory,
      cpuLimit: instance.spec.limits.cpu,
    };
  }

  graph(): LiveGraph {
    return liveGraph(buildDependencyGraph(this.manager.spec.processes), this.manager.startTimings());
  }

  why(id: string): WhyAnswer {
    return whyWithReports(this.manager, this.reporter, id);
  }

  reports(): ReturnType<CrashReporter['list']> {
    return this.reporter.list();
  }

  report(id: string): ReturnType<CrashReporter['get']> {
    return this.reporter.get(id);
  }

  async metricsText(): Promise<string> {
    const metrics = this.#metrics;
    if (metrics === null || metrics === undefined) {
      throw new OvrseerError('OVRSEER_NOT_FOUND', 'metrics are not collected by this supervisor');
    }
    return metrics.text();
  }

  on<K extends keyof ManagerEvents>(event: K, listener: (payload: ManagerEvents[K]) => void): () => void {
    return this.manager.on(event, listener);
  }

  /** The project as it is now, in the snapshot format (docs/snapshots.md): `GET /v1/snapshot`. */
  snapshot(options: SnapshotOptions = {}): Snapshot {
    return buildSnapshot(this.#snapshotSource(), options);
  }

  #snapshotSource(): SnapshotSource {
    return {
      spec: this.manager.spec,
      projectId: this.manager.projectId,
      configSource: this.#configSource,
      supervisor: { pid: process.pid, started: this.#started },
      rows: () => this.rows(),
      lastLines: (id, limit) => this.logs.store.query({ processes: [id], limit }).entries.map(logRecord),
      history: (id) => this.history(id),
      reports: () => this.reporter.list(),
      report: (id) => this.reporter.get(id),
    };
  }

  reportError(error: Error, operation: string): void {
    this.manager.reportError(error, { operation, severity: 'error' });
  }

  // ------------------------------------------------------------------------------------------------

  #instance(id: string): ReturnType<ProcessManager['instances']>[number] {
    const instance =
      this.manager.get(id) ?? this.manager.instances().find((candidate) => candidate.name === id);
    if (instance === undefined) throw new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `unknown process "${id}"`);
    return instance;
  }

  /**
   * Coalesces state changes into one write per `STATE_WRITE_INTERVAL_MS` at most: each write is fsynced
   * (~10 ms for 1,000 processes on a busy disk), and 1,000 processes starting change state on every
   * turn of the event loop. A pid not yet recorded when the supervisor is killed is still found by its
   * environment marker.
   */
  #scheduleStateWrite(): void {
    if (this.#stateWrite !== null) return;
    const wait = Math.max(0, this.#lastStateWrite + STATE_WRITE_INTERVAL_MS - Date.now());
    this.#stateWrite = setTimeout(() => {
      this.#stateWrite = null;
      this.#writeState();
    }, wait);
  }

  #startTimeOf(pid: number, known: Map<number, number | null>): number | null {
    const startTime = this.#startTimes.get(pid) ?? processStartTime(pid);
    known.set(pid, startTime);
    return startTime;
  }

  #writeState(): void {
    this.#lastStateWrite = Date.now();
    const known = new Map<number, number | null>();
    try {
      writeStateFile(this.paths.stateFile, {
        version: 1,
        projectId: this.manager.projectId,
        configFile: this.manager.spec.file,
        supervisor: { pid: process.pid, startTime: processStartTime(process.pid), started: this.#started },
        processes: this.manager
          .instances()
          .filter((instance) => isLive(instance.state) && instance.pid !== null)
          .map((instance) => ({
            id: instance.id,
            pid: instance.pid as number,
            startTime: this.#startTimeOf(instance.pid as number, known),
          })),
        userStopped: [...this.#userStopped],
      });
      this.#startTimes = known;
    } catch (error) {
      this.manager.reportError(
        new OvrseerError(
          'OVRSEER_INTERNAL',
          `could not write ${this.paths.stateFile}: ${errorMessage(error)}`,
        ),
        {
          operation: 'write state file',
          severity: 'warning',
        },
      );
    }
  }
}
