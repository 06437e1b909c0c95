import { describeProbe, type NotifySource, type Probe, type ProbeResult } from './probe.js';

/** Passes once the process has sent `READY=1` to its `NOTIFY_SOCKET` (systemd's sd_notify). */
export class NotifyProbe implements Probe {
  readonly description = describeProbe({ kind: 'notify' });
  readonly #source: NotifySource | null;

  constructor(source: NotifySource | null) {
    this.#source = source;
  }

  async check(_signal?: AbortSignal): Promise<ProbeResult> {
    if (this.#source === null) return { ok: false, message: 'no NOTIFY_SOCKET was opened for this process' };
    const state = this.#source.state();
    if (state?.ready)
      return { ok: true, message: `READY=1${state.status === null ? '' : ` (${state.status})`}` };
    return {
      ok: false,
      message: `no READY=1 on $NOTIFY_SOCKET yet${state?.status ? ` (STATUS=${state.status})` : ''}`,
    };
  }

  subscribe(notify: () => void): () => void {
    return this.#source?.subscribe(notify) ?? (() => undefined);
  }
}
