import { connect } from 'node:net';
import type { ProbeSpec } from '../../config/spec.js';
import { errorMessage } from '../../errors.js';
import { describeProbe, type Probe, type ProbeResult } from './probe.js';

type HttpProbeSpec = Extract<ProbeSpec, { kind: 'http' }>;
type TcpProbeSpec = Extract<ProbeSpec, { kind: 'tcp' }>;

/** Passes when the URL answers with a status in the expected range. A refused connection is a plain failure. */
export class HttpProbe implements Probe {
  readonly description: string;

  constructor(private readonly spec: HttpProbeSpec) {
    this.description = describeProbe(spec);
  }

  async check(signal: AbortSignal): Promise<ProbeResult> {
    try {
      const response = await fetch(this.spec.url, {
        method: this.spec.method,
        headers: this.spec.headers,
        signal,
        redirect: 'manual',
      });
      // The body is not needed; release the socket.
      await response.body?.cancel();
      const { min, max } = this.spec.status;
      if (response.status >= min && response.status <= max) {
        return { ok: true, message: `HTTP ${response.status}` };
      }
      return {
        ok: false,
        message: `HTTP ${response.status}, expected ${min === max ? min : `${min}-${max}`}`,
      };
    } catch (error) {
      return { ok: false, message: describeNetworkError(error, signal) };
    }
  }
}

/** Passes when a TCP connection to host:port is accepted. */
export class TcpProbe implements Probe {
  readonly description: string;

  constructor(private readonly spec: TcpProbeSpec) {
    this.description = describeProbe(spec);
  }

  check(signal: AbortSignal): Promise<ProbeResult> {
    const { host, port } = this.spec;
    if (typeof port === 'string') {
      // `$PORT` with no PORT for this instance (config validation stops the plain case).
      const message = `no port to connect to: "${port}" is not a number (set "port:" on the process)`;
      return Promise.resolve({ ok: false, message });
    }
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      const finish = (result: ProbeResult): void => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(result);
      };
      const onAbort = (): void => finish({ ok: false, message: 'timed out connecting' });
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => finish({ ok: true, message: `connected to ${host}:${port}` }));
      socket.once('error', (error) => finish({ ok: false, message: describeNetworkError(error, signal) }));
    });
  }
}

function describeNetworkError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'timed out';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ENOTFOUND') return 'host not found';
  return errorMessage(cause);
}
