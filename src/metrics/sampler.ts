import { type Clock, type ClockTimer, systemClock } from '../core/clock.js';
import { isLive } from '../core/states.js';
import { OvrseerError } from '../errors.js';
import { BranchCache } from './git-branch.js';
import { type HistoryPoint, MetricsHistory } from './history.js';
import { LEAK_DEFAULTS } from './leak.js';
import { applyLimitAction } from './limit-actions.js';
import { LIMIT_DEFAULTS, type LimitAction, LimitWatcher } from './limits.js';
import { createTreeSource } from './platform.js';
import type { TreeRoot } from './tree.js';
import type {
  InstanceMetrics,
  MetricsHost,
  MetricsInstance,
  MetricsSamplerOptions,
  ProcessFigures,
  SamplerStats,
  TreeFigures,
  TreeSource,
} from './types.js';

interface Tracked {
  readonly root: TreeRoot;
  readonly history: MetricsHistory;
  readonly limits: LimitWatcher;
  /** The last sample, overwritten by every pass; meaningful only while `sampled`. */
  readonly sample: InstanceMetrics;
  sampled: boolean;
  /**
   * The copy of `sample` that readers get, made on the first read after a pass: most samples of an
   * idle supervisor are never read, and readers may keep what they got.
   */
  snapshot: InstanceMetrics | null;
  /** The leader pid the current run was first sampled with. */
  runPid: number | null;
  /**
   * Whether its last figures stand for the passes after `pushed` (see `MetricsSampler.#times`): it
   * ran in none of them — same figures, 0 % CPU —, so they were not recorded one by one.
   */
  standing: boolean;
  /** The last pass (a number of `#passSeq`) whose point is in its history. */
  pushed: number;
  /** The pass it was last recorded in (its `sample` is of that pass). */
  recordedPass: number;
  /** `snapshot` is of the sample as of this pass. */
  snapshotPass: number;
}

/**
 * Samples the resources of every running instance's whole process tree on a timer, keeps a history
 * ring per instance, and applies `limits`: memory over the limit for two samples in a row ends the
 * run (the restart policy then restarts it) with a crash report; CPU over the limit for a sustained
 * window and steadily rising memory are warning events. Front ends read `latest`, `history` and
 * `figures`; `metricsText()` renders Prometheus text (prom-client is loaded on the first call only).
 */
export class MetricsSampler {
  readonly #host: MetricsHost;
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #historySize: number;
  readonly #limitOptions: typeof LIMIT_DEFAULTS;
  readonly #source: TreeSource | null;
  readonly #branches: BranchCache;
  readonly #tracked = new Map<MetricsInstance, Tracked>();
  /** The running instances of the pass under way, their state and roots: reused from pass to pass. */
  readonly #live: MetricsInstance[] = [];
  readonly #liveTracked: Tracked[] = [];
  readonly #roots: TreeRoot[] = [];
  readonly #actions: LimitAction[] = [];
  readonly #stats: SamplerStats = { passes: 0, lastPassMs: 0, totalPassMs: 0, totalCpuMs: 0 };
  readonly #measureCpu: boolean;
  /**
   * The time of each pass, the last `historySize` of them (pass n at `n % historySize`). An instance
   * whose figures did not move in a pass is not recorded in it: its history gets the points of the
   * passes it stood still in (last figures, 0 % CPU, their times) when it is next read or recorded,
   * so a pass costs nothing per idle instance — and a pass in which neither the instances (no state
   * event) nor the source's figures (`TreeSource.unchanged`) moved does not look at them at all.
   */
  readonly #times: Float64Array;
  #passSeq = -1;
  /** Live instances whose limits wait for a next sample (see `LimitWatcher.pending`): checked in quiet passes too. */
  #pending = 0;
  /** A state event came since the live list was built (or no host events to tell): build it again. */
  #dirty = true;
  #lastInstances: readonly MetricsInstance[] | null = null;
  #offState: (() => void) | null = null;
  #timer: ClockTimer | null = null;
  #running = false;
  #pass: Promise<void> | null = null;
  #lastError = '';
  #render: ((host: MetricsHost, sampler: MetricsSampler) => Promise<string>) | null = null;

  constructor(host: MetricsHost, options: MetricsSamplerOptions = {}) {
    this.#host = host;
    this.#clock = options.clock ?? systemClock;
    this.#interval = options.interval ?? host.spec.settings.metricsInterval;
    if (!(this.#interval > 0)) throw new OvrseerError('OVRSEER_USAGE', 'the metrics interval must be > 0');
    const historyMs = options.historyMs ?? 10 * 60_000;
    this.#historySize = Math.min(3600, Math.max(2, Math.ceil(historyMs / this.#interval)));
    this.#limitOptions = {
      cpuWindowMs: options.cpuWindowMs ?? LIMIT_DEFAULTS.cpuWindowMs,
      leakCheckMs: options.leakCheckMs ?? LIMIT_DEFAULTS.leakCheckMs,
      leakRepeatMs: LIMIT_DEFAULTS.leakRepeatMs,
      leak: { ...LEAK_DEFAULTS, ...options.leak },
    };
    this.#times = new Float64Array(this.#historySize);
    this.#measureCpu = options.measureCpu ?? false;
    this.#source = options.source === undefined ? createTreeSource(host.projectId) : options.source;
    this.#branches = new BranchCache(options.branchRefreshMs ?? 30_000, (error) =>
      this.#report(error, 'read git branch'),
    );
  }

  /** Whether figures can be had on this platform at all. */
  get supported(): boolean {
    return this.#source !== null;
  }

  /** Samples now, then every interval until `stop()`. */
  start(): void {
    if (this.#running || this.#source === null) return;
    this.#running = true;
    this.#offState =
      this.#host.on?.('state', () => {
        this.#dirty = true;
      }) ?? null;
    void this.#tick();
  }

  /** Stops sampling; resolves once a pass in flight has finished. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#offState?.();
    this.#offState = null;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    await this.#pass;
    this.#source?.close?.();
  }

  /** One pass now (the timer calls this; tests and benchmarks may too). */
  sample(): Promise<void> {
    this.#pass ??= this.#sampleOnce().finally(() => {
      this.#pass = null;
    });
    return this.#pass;
  }

  /** The last sample of the instance's current run, or null (not running, or not measured yet). */
  latest(id: string): InstanceMetrics | null {
    const instance = this.#instance(id);
    return instance === undefined ? null : this.#current(instance);
  }

  /** The instance's history ring (about 10 minutes), oldest first, across its restarts. */
  history(id: string): HistoryPoint[] {
    const instance = this.#instance(id);
    const tracked = instance === undefined ? undefined : this.#tracked.get(instance);
    if (tracked === undefined) return [];
    this.#pad(tracked);
    return tracked.history.toArray();
  }

  /** What `ps` and the API show: CPU, memory, ports and the git branch of the cwd. */
  figures(id: string): ProcessFigures {
    const instance = this.#instance(id);
    const latest = instance === undefined ? null : this.#current(instance);
    return {
      cpu: latest?.cpu ?? null,
      memory: latest?.memory ?? null,
      ports: latest?.ports ?? [],
      branch: instance === undefined ? null : this.#branches.get(instance.spec.cwd, this.#clock.now()),
    };
  }

  stats(): SamplerStats {
    return { ...this.#stats };
  }

  /** Prometheus text exposition of every process and of the supervisor, for `GET /metrics`. */
  async metricsText(): Promise<string> {
    if (this.#render === null) {
      // Loaded on the first scrape only: prom-client costs supervisor memory most users never need.
      const { renderMetrics } = await import('./prometheus.js');
      this.#render = renderMetrics;
    }
    return this.#render(this.#host, this);
  }

  async #tick(): Promise<void> {
    await this.sample();
    if (!this.#running) return;
    // The same timer again, where the clock can (no new timer object each second).
    if (this.#timer !== null && this.#clock.refresh !== undefined) this.#clock.refresh(this.#timer);
    else this.#timer = this.#clock.setTimeout(() => void this.#tick(), this.#interval);
  }

  async #sampleOnce(): Promise<void> {
    const source = this.#source;
    if (source === null) return;
    // hrtime, not performance.now(): the global `performance` loads perf_hooks (~0.4 MB of RSS).
    const started = process.hrtime.bigint();
    const cpu = this.#measureCpu ? process.cpuUsage() : null;
    try {
      const instances = this.#host.instances();
      // Only one pass runs at a time (see `sample`), so these arrays are this pass's alone.
      const live = this.#live;
      const liveTracked = this.#liveTracked;
      // No state event since the last pass: the same instances run with the same pids.
      const known = !this.#dirty && instances === this.#lastInstances;
      if (!known) this.#collect(instances);
      const figures = await source.sample(this.#roots, known);
      const time = this.#clock.now();
      this.#passSeq += 1;
      this.#times[this.#passSeq % this.#times.length] = time;
      if (known && source.unchanged === true && !this.#dirty) {
        this.#quiet(time, figures);
        return;
      }
      let pending = 0;
      for (let index = 0; index < live.length; index += 1) {
        const instance = live[index];
        const tracked = liveTracked[index];
        if (instance === undefined || tracked === undefined) continue;
        const current = figures[index] ?? null;
        if (this.#stillStanding(instance, tracked, current, time)) continue;
        this.#record(instance, tracked, current, time);
        if (tracked.limits.pending) pending += 1;
      }
      this.#pending = pending;
    } catch (error) {
      this.#report(error, 'sample metrics');
    } finally {
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      this.#stats.passes += 1;
      this.#stats.lastPassMs = elapsed;
      this.#stats.totalPassMs += elapsed;
      if (cpu !== null) {
        const used = process.cpuUsage(cpu);
        this.#stats.totalCpuMs += (used.user + used.system) / 1000;
      }
    }
  }

  /** The running instances, their state and roots, for this pass and the quiet ones after it. */
  #collect(instances: readonly MetricsInstance[]): void {
    const live = this.#live;
    const liveTracked = this.#liveTracked;
    const roots = this.#roots;
    live.length = 0;
    liveTracked.length = 0;
    roots.length = 0;
    // Events from here on are of a state this list may not have seen.
    this.#dirty = this.#offState === null;
    this.#lastInstances = instances;
    for (const instance of instances) {
      const tracked = this.#track(instance);
      if (instance.pid === null || !isLive(instance.state)) {
        this.#forget(tracked);
        tracked.runPid = null;
        continue;
      }
      tracked.root.pid = instance.pid;
      live.push(instance);
      liveTracked.push(tracked);
      roots.push(tracked.root);
    }
    this.#prune(instances);
  }

  /**
   * Whether the instance's last figures stand for this pass too: the same leader, the same figures
   * with no CPU used, and no limit waiting for this sample (nor a leak check due) — then nothing is
   * recorded for it.
   */
  #stillStanding(
    instance: MetricsInstance,
    tracked: Tracked,
    figures: TreeFigures | null,
    time: number,
  ): boolean {
    if (!tracked.standing || figures === null || instance.pid !== tracked.root.pid) return false;
    const sample = tracked.sample;
    return (
      figures.cpu === 0 &&
      sample.cpu === 0 &&
      figures.memory === sample.memory &&
      figures.processes === sample.processes &&
      figures.fds === sample.fds &&
      (figures.ports === sample.ports || (figures.ports.length === 0 && sample.ports.length === 0)) &&
      !tracked.limits.pending &&
      !tracked.limits.leakCheckDue(time)
    );
  }

  /**
   * A pass that saw nothing move: its time stands for every standing instance (see `#pad`,
   * `#snapshot`). Only instances whose limits wait for a next sample are looked at.
   */
  #quiet(time: number, figures: readonly (TreeFigures | null)[]): void {
    if (this.#pending === 0) return;
    let pending = 0;
    for (let index = 0; index < this.#live.length; index += 1) {
      const instance = this.#live[index];
      const tracked = this.#liveTracked[index];
      if (instance === undefined || tracked === undefined || !tracked.limits.pending) continue;
      if (tracked.standing) this.#check(instance, tracked, figures[index] ?? null, time);
      if (tracked.limits.pending) pending += 1;
    }
    this.#pending = pending;
  }

  /** Gives the history the points of the passes it stood still in, up to `through` (the ring's at most). */
  #pad(tracked: Tracked, through = this.#passSeq): void {
    if (!tracked.standing) return;
    const size = this.#times.length;
    const from = Math.max(tracked.pushed + 1, through - size + 1);
    tracked.history.pushStill(this.#times, from, through, tracked.sample.memory);
    tracked.pushed = Math.max(tracked.pushed, through);
  }

  #record(instance: MetricsInstance, tracked: Tracked, figures: TreeFigures | null, time: number): void {
    // The leader may have exited (or been replaced by a restart) while the pass ran.
    if (figures === null || instance.pid !== tracked.root.pid) {
      this.#forget(tracked);
      return;
    }
    if (tracked.runPid !== instance.pid) {
      tracked.runPid = instance.pid;
      tracked.limits.reset(time);
    }
    this.#pad(tracked, this.#passSeq - 1);
    // Copied field by field into the instance's own object: the source may reuse its figures.
    const sample = tracked.sample;
    sample.cpu = figures.cpu;
    sample.memory = figures.memory;
    sample.processes = figures.processes;
    sample.fds = figures.fds;
    sample.ports = figures.ports;
    sample.time = time;
    tracked.sampled = true;
    tracked.snapshot = null;
    tracked.standing = true;
    tracked.pushed = this.#passSeq;
    tracked.recordedPass = this.#passSeq;
    tracked.history.push(time, figures.cpu, figures.memory);
    this.#limits(instance, tracked, sample, time);
  }

  /** A quiet pass for an instance whose limits wait for it: its history and its limits see the sample. */
  #check(instance: MetricsInstance, tracked: Tracked, figures: TreeFigures | null, time: number): void {
    if (figures === null || instance.pid !== tracked.root.pid) return;
    this.#pad(tracked);
    this.#limits(instance, tracked, this.#snapshot(tracked), time);
  }

  #limits(instance: MetricsInstance, tracked: Tracked, sample: InstanceMetrics, time: number): void {
    if (this.#host.isShuttingDown) return;
    const actions = this.#actions;
    actions.length = 0;
    tracked.limits.check(sample, instance.spec.limits, tracked.history, actions);
    for (const action of actions) {
      applyLimitAction(action, instance, this.#snapshot(tracked), {
        host: this.#host,
        history: () => tracked.history.toArray(time - 60_000),
        onError: (error) => this.#report(error, `end run (${action.kind})`, instance.id),
      });
    }
  }

  /**
   * What readers get of the last sample: a copy, the same one until the next pass. After quiet
   * passes, it is the last full pass's figures at the last quiet pass's time, with 0 % CPU.
   */
  #snapshot(tracked: Tracked): InstanceMetrics {
    const still = tracked.standing && tracked.recordedPass < this.#passSeq;
    if (tracked.snapshot === null || tracked.snapshotPass !== this.#passSeq) {
      const { cpu, memory, processes, fds, ports, time } = tracked.sample;
      const now = this.#times[this.#passSeq % this.#times.length] ?? time;
      tracked.snapshot = still
        ? { cpu: 0, memory, processes, fds, ports, time: now }
        : { cpu, memory, processes, fds, ports, time };
      tracked.snapshotPass = this.#passSeq;
    }
    return tracked.snapshot;
  }

  #track(instance: MetricsInstance): Tracked {
    let tracked = this.#tracked.get(instance);
    if (tracked === undefined) {
      tracked = {
        root: { pid: 0, marker: instance.marker },
        history: new MetricsHistory(this.#historySize),
        limits: new LimitWatcher(this.#limitOptions),
        sample: { cpu: null, memory: 0, processes: 0, fds: null, ports: [], time: 0 },
        sampled: false,
        snapshot: null,
        runPid: null,
        standing: false,
        pushed: -1,
        recordedPass: -1,
        snapshotPass: -1,
      };
      this.#tracked.set(instance, tracked);
    }
    return tracked;
  }

  /** Drops the state of instances that were removed (scaled down). */
  #prune(instances: readonly MetricsInstance[]): void {
    if (this.#tracked.size === instances.length) return;
    const present = new Set(instances);
    for (const instance of this.#tracked.keys()) if (!present.has(instance)) this.#tracked.delete(instance);
  }

  #instance(id: string): MetricsInstance | undefined {
    return this.#host.get(id);
  }

  /** The last sample, if it is of the run going on now: a process that exited has no figures. */
  #current(instance: MetricsInstance): InstanceMetrics | null {
    const tracked = this.#tracked.get(instance);
    if (tracked === undefined || instance.pid === null || !isLive(instance.state)) return null;
    return instance.pid === tracked.root.pid && tracked.sampled ? this.#snapshot(tracked) : null;
  }

  #forget(tracked: Tracked): void {
    tracked.sampled = false;
    tracked.snapshot = null;
    tracked.standing = false;
  }

  #report(error: unknown, operation: string, processId?: string): void {
    const failure = error instanceof Error ? error : new OvrseerError('OVRSEER_INTERNAL', String(error));
    // A pass that fails fails again a second later: say it once, until something else goes wrong.
    const key = `${operation}: ${failure.message}`;
    if (key === this.#lastError) return;
    this.#lastError = key;
    this.#host.reportError(failure, {
      operation,
      severity: 'warning',
      ...(processId === undefined ? {} : { processId }),
    });
  }
}
