/** What one instance has told ovrseer through `NOTIFY_SOCKET` during its current run. */
export interface NotifyState {
  /** `READY=1` arrived. */
  ready: boolean;
  /** The latest `STATUS=…`, shown in `ps`; `null` before any. */
  status: string | null;
  /** `STOPPING=1` arrived: the program says it is shutting down (shown, nothing else). */
  stopping: boolean;
}

export function initialNotifyState(): NotifyState {
  return { ready: false, status: null, stopping: false };
}

/** Longest `STATUS=` kept; systemd's own limit on a datagram is far larger than a `ps` column. */
export const MAX_STATUS_CHARS = 200;

/**
 * Applies one sd_notify datagram (`KEY=VALUE` lines, systemd's sd_notify(3)). `READY`, `STATUS` and
 * `STOPPING` are used; `WATCHDOG`, `MAINPID`, `ERRNO`, `EXTEND_TIMEOUT_USEC`, `RELOADING` and the
 * rest are accepted and ignored (docs/ipc.md). Returns whether anything changed.
 */
export function applyDatagram(state: NotifyState, text: string): boolean {
  let changed = false;
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1);
    if (key === 'READY' && value === '1' && !state.ready) {
      state.ready = true;
      changed = true;
    } else if (key === 'STATUS') {
      const status = value.length > MAX_STATUS_CHARS ? `${value.slice(0, MAX_STATUS_CHARS)}…` : value;
      if (status !== state.status) {
        state.status = status;
        changed = true;
      }
    } else if (key === 'STOPPING' && value === '1' && !state.stopping) {
      state.stopping = true;
      changed = true;
    }
  }
  return changed;
}
