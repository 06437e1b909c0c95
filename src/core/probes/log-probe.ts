import stripAnsi from 'strip-ansi';
import type { ProbeSpec } from '../../config/spec.js';
import { compileUserPattern, type UserPattern } from '../../config/user-pattern.js';
import { describeProbe, type Probe, type ProbeContext, type ProbeResult } from './probe.js';

type LogProbeSpec = Extract<ProbeSpec, { kind: 'log' }>;

/**
 * Passes once a line matching the pattern has been printed since the probe was created (at spawn).
 * With `notFoundMeansHealthy` it inverts: it fails from the first matching line on.
 */
export class LogProbe implements Probe {
  readonly description: string;
  readonly #pattern: UserPattern;
  readonly #inverted: boolean;
  readonly #unsubscribeLines: () => void;
  readonly #notifiers = new Set<() => void>();
  #matchedLine: string | null = null;

  constructor(spec: LogProbeSpec, context: ProbeContext) {
    this.description = describeProbe(spec);
    // RE2: a probe sees every line a process prints, and must not stall the supervisor on any.
    this.#pattern = compileUserPattern(spec.pattern, { flags: spec.flags, key: 'ready.log' });
    this.#inverted = spec.notFoundMeansHealthy;
    this.#unsubscribeLines = context.onLine((text) => this.#observe(text));
  }

  async check(_signal?: AbortSignal): Promise<ProbeResult> {
    if (this.#inverted) {
      return this.#matchedLine === null
        ? { ok: true, message: `no line matched /${this.#pattern.source}/` }
        : { ok: false, message: `line matched /${this.#pattern.source}/: ${this.#matchedLine}` };
    }
    return this.#matchedLine === null
      ? { ok: false, message: `no line matched /${this.#pattern.source}/ yet` }
      : { ok: true, message: `matched: ${this.#matchedLine}` };
  }

  subscribe(notify: () => void): () => void {
    this.#notifiers.add(notify);
    return () => this.#notifiers.delete(notify);
  }

  dispose(): void {
    this.#unsubscribeLines();
    this.#notifiers.clear();
  }

  #observe(text: string): void {
    if (this.#matchedLine !== null) return;
    const plain = stripAnsi(text);
    if (!this.#pattern.test(plain)) return;
    this.#matchedLine = plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
    for (const notify of this.#notifiers) notify();
  }
}
