import type { ProbeSpec } from '../../config/spec.js';
import type { NotifyState } from '../notify/notify-state.js';

export interface ProbeResult {
  ok: boolean;
  /** Why it failed, or what passed: shown in reasons and crash reports. */
  message: string;
}

/**
 * One kind of check (log, http, tcp, exec). Readiness and liveness both drive probes through this
 * interface; a new kind only has to implement it.
 */
export interface Probe {
  /** For people: `log /ready/`, `http http://127.0.0.1:3000/health`. */
  readonly description: string;
  /** One attempt; must settle by itself when `signal` aborts (the per-attempt timeout). */
  check(signal: AbortSignal): Promise<ProbeResult>;
  /**
   * Event-driven probes (log) call `notify` when their result may have changed, so the runner checks
   * again at once instead of at the next interval.
   */
  subscribe?(notify: () => void): () => void;
  /** Releases subscriptions and timers. */
  dispose?(): void;
}

/** What a probe may need from the process it checks. */
export interface ProbeContext {
  /** Subscribes to the process's output lines (ANSI codes included); returns the unsubscriber. */
  onLine(listener: (text: string) => void): () => void;
  /** Environment and cwd for exec probes: the process's own. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** What the process sent to its `NOTIFY_SOCKET` (`ready: {notify: true}`); absent without one. */
  notify?: NotifySource | null;
}

/** One instance's sd_notify state, for the notify probe. */
export interface NotifySource {
  state(): NotifyState | undefined;
  subscribe(listener: () => void): () => void;
}

export type ProbeFactory = (spec: ProbeSpec, context: ProbeContext) => Probe;

export function describeProbe(spec: ProbeSpec): string {
  switch (spec.kind) {
    case 'log':
      return `log /${spec.pattern}/${spec.flags}`;
    case 'http':
      return `http ${spec.method} ${spec.url}`;
    case 'tcp':
      return `tcp ${spec.host}:${spec.port}`;
    case 'notify':
      return 'notify READY=1';
    case 'exec':
      return `exec ${spec.command.kind === 'shell' ? spec.command.script : spec.command.argv.join(' ')}`;
  }
}
