import type { Socket } from 'node:net';
import type { Clock } from '../../core/clock.js';

/** What one API client may hold of the supervisor (README, "The API": limits). */
export interface ApiLimits {
  /** Largest request body; a larger one gets 413. @default 1 MiB */
  maxBodyBytes: number;
  /** A request head (line and headers) must be complete this long after it began. @default 10 s */
  headerTimeoutMs: number;
  /** A whole request, body included. @default 60 s */
  requestTimeoutMs: number;
  /** Open connections per listener; more are closed at once. @default 256 */
  maxConnections: number;
  /** TCP connections that have not shown the token yet, per listener. @default 32 */
  maxUnauthenticated: number;
  /** Events waiting for one slow `/v1/events` subscriber; older ones are dropped. @default 256 */
  eventQueue: number;
  /** Bytes waiting for a process's stdin (beyond its pipe) before `/input` is refused. @default 1 MiB */
  maxPendingInput: number;
}

export const DEFAULT_API_LIMITS: Readonly<ApiLimits> = {
  maxBodyBytes: 1024 * 1024,
  headerTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  maxConnections: 256,
  maxUnauthenticated: 32,
  eventQueue: 256,
  maxPendingInput: 1024 * 1024,
};

/**
 * The limits, with `OVRSEER_INTERNAL_API_LIMITS` (JSON, e.g. `{"headerTimeoutMs":2000}`) over the
 * defaults: not a user setting — the e2e tests and `bench/api-abuse.ts` use it so that a slow client
 * is cut off in seconds, not in the ten that protect a real supervisor.
 */
export function apiLimits(env: NodeJS.ProcessEnv = process.env): ApiLimits {
  const raw = env.OVRSEER_INTERNAL_API_LIMITS;
  if (raw === undefined || raw === '') return { ...DEFAULT_API_LIMITS };
  const given = JSON.parse(raw) as Partial<Record<keyof ApiLimits, unknown>>;
  const limits = { ...DEFAULT_API_LIMITS };
  for (const key of Object.keys(limits) as (keyof ApiLimits)[]) {
    const value = given[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) limits[key] = value;
  }
  return limits;
}

/**
 * One log line per kind of limit hit, then at most one every `intervalMs` that counts what happened
 * meanwhile: a flood of refused clients must not become a flood of log lines.
 */
export class LimitNotice {
  #lastAt = Number.NEGATIVE_INFINITY;
  #pending = 0;
  #timer: ReturnType<Clock['setTimeout']> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly write: (text: string) => void,
    private readonly describe: (count: number) => string,
    private readonly intervalMs = 10_000,
  ) {}

  hit(): void {
    this.#pending += 1;
    if (this.#timer !== null) return;
    const wait = this.#lastAt + this.intervalMs - this.clock.now();
    if (wait <= 0) this.#flush();
    else this.#timer = this.clock.setTimeout(() => this.#flush(), wait);
  }

  dispose(): void {
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #flush(): void {
    this.#timer = null;
    if (this.#pending === 0) return;
    this.write(this.describe(this.#pending));
    this.#pending = 0;
    this.#lastAt = this.clock.now();
  }
}

/**
 * Counts a listener's connections that have not yet presented the token (TCP only): a client that
 * cannot authenticate holds at most `max` of them, whatever it does with them.
 */
export class UnauthenticatedGate {
  readonly #waiting = new Set<Socket>();

  constructor(
    private readonly max: number,
    private readonly notice: LimitNotice,
  ) {}

  /** False (and the socket destroyed) when the limit is reached. */
  admit(socket: Socket): boolean {
    if (this.#waiting.size >= this.max) {
      this.notice.hit();
      socket.destroy();
      return false;
    }
    this.#waiting.add(socket);
    socket.once('close', () => this.#waiting.delete(socket));
    return true;
  }

  /** The socket presented the right token. */
  authenticated(socket: Socket): void {
    this.#waiting.delete(socket);
  }

  get size(): number {
    return this.#waiting.size;
  }
}
