import type { CrashReportRequest, LogLineEvent, StateChangeEvent } from './events.js';
import type { ProcessInfo } from './managed-process.js';
import type { ProcessManager } from './process-manager.js';

/**
 * An extension of the engine (core package review, "Plugin System"): metrics, log shipping, alerting.
 * Every hook is optional and may be async; hooks run after the engine has moved on, each bounded by a
 * timeout, so a slow or failing plugin never holds up a process.
 */
export interface Plugin {
  name: string;
  onManagerStart?(manager: ProcessManager): void | Promise<void>;
  /** A process instance is running (spawned). */
  onProcessStart?(process: ProcessInfo): void | Promise<void>;
  /** A run ended: crashed, completed, failed or stopped. */
  onProcessExit?(
    process: ProcessInfo,
    exit: { code: number | null; signal: string | null },
  ): void | Promise<void>;
  onStateChange?(event: StateChangeEvent): void | Promise<void>;
  /** Every output line: opt in by defining it (it is the hottest path there is). */
  onLog?(event: LogLineEvent): void | Promise<void>;
  onCrashReport?(report: CrashReportRequest): void | Promise<void>;
}

/** What a plugin module exports: a Plugin, or a factory taking the `options` of its config entry. */
export type PluginModule = Plugin | ((options: Record<string, unknown>) => Plugin | Promise<Plugin>);
