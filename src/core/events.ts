import type { HealthState, ProcessState } from './states.js';

export type LogStream = 'out' | 'err' | 'system';

/** One state transition of one process instance. Every transition emits exactly one. */
export interface StateChangeEvent {
  /** Display id: `api`, or `worker.2` for a replica. */
  process: string;
  name: string;
  /** Replica number, `null` for a process with one instance. */
  instance: number | null;
  from: ProcessState;
  to: ProcessState;
  reason: string;
  /** Epoch milliseconds. */
  time: number;
  pid: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface LogLineEvent {
  process: string;
  name: string;
  instance: number | null;
  stream: LogStream;
  text: string;
  time: number;
}

export interface HealthChangeEvent {
  process: string;
  from: HealthState;
  to: HealthState;
  reason: string;
  time: number;
}

export type ErrorSeverity = 'warning' | 'error' | 'critical';

/** Where an internal failure happened (core package review, 1.2). */
export interface ErrorContext {
  processId?: string;
  operation: string;
  severity: ErrorSeverity;
}

export interface ErrorHandler {
  onError(error: Error, context: ErrorContext): void;
}

export interface ErrorEvent {
  error: Error;
  context: ErrorContext;
  time: number;
}

export interface ManagerEvents {
  state: StateChangeEvent;
  log: LogLineEvent;
  health: HealthChangeEvent;
  error: ErrorEvent;
  /** Nothing is live, pending or due to restart any more. */
  idle: { time: number };
}
