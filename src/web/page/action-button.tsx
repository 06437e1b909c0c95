import { useState } from 'react';
import { type Action, act, postJson } from './api.js';

export interface ActionButtonProps {
  action: Action;
  targets: string[];
  label?: string;
  /** Asked inline before acting ("stop all 12?"). */
  confirm?: string;
  disabled?: boolean;
  title?: string;
}

/** One action button: busy while the supervisor acts, its error shown beside it (where it was clicked). */
export function ActionButton({ action, targets, label, confirm, disabled, title }: ActionButtonProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const run = async (): Promise<void> => {
    setAsking(false);
    setBusy(true);
    setError(null);
    try {
      await act(action, targets);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="action">
      {asking ? (
        <span className="confirm" role="alertdialog">
          {confirm}{' '}
          <button type="button" className="danger" onClick={() => void run()}>
            yes
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            no
          </button>
        </span>
      ) : (
        <button
          type="button"
          className={`act-${action}`}
          data-action={action}
          disabled={disabled === true || busy || targets.length === 0}
          title={title}
          aria-busy={busy}
          onClick={() => (confirm === undefined ? void run() : setAsking(true))}
        >
          {busy ? `${label ?? action}…` : (label ?? action)}
        </button>
      )}
      {error !== null && (
        <span className="action-error" role="alert" title={error}>
          {error}
          <button type="button" className="link" aria-label="dismiss" onClick={() => setError(null)}>
            ×
          </button>
        </span>
      )}
    </span>
  );
}

/** `−` / `+`: one replica fewer or more (`POST /v1/processes/:name/scale`), its error beside it. */
export function ScaleButtons({ process, replicas }: { process: string; replicas: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const scale = async (to: number): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await postJson(`/v1/processes/${encodeURIComponent(process)}/scale`, { replicas: to });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="action scale">
      <button
        type="button"
        data-action="scale-down"
        title={`${process}: ${replicas - 1} replicas`}
        disabled={busy || replicas <= 1}
        onClick={() => void scale(replicas - 1)}
      >
        −
      </button>
      <button
        type="button"
        data-action="scale-up"
        title={`${process}: ${replicas + 1} replicas`}
        disabled={busy}
        onClick={() => void scale(replicas + 1)}
      >
        +
      </button>
      {error !== null && (
        <span className="action-error" role="alert" title={error}>
          {error}
        </span>
      )}
    </span>
  );
}
