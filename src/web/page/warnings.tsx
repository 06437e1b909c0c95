import { useState } from 'react';
import { clock } from './format.js';
import type { Warning } from './live.js';

/**
 * The supervisor's warnings (a memory leak, the CPU or memory limit), those from before the page
 * opened included: a count in the header that opens the list, newest first.
 */
export function Warnings({ warnings }: { warnings: Warning[] }) {
  const [open, setOpen] = useState(false);
  if (warnings.length === 0) return null;
  return (
    <span className="warnings">
      <button
        type="button"
        className="warn"
        aria-expanded={open}
        aria-label={`${warnings.length} warnings`}
        onClick={() => setOpen(!open)}
      >
        ⚠ {warnings.length}
      </button>
      {open && (
        <ol className="warning-list" aria-label="warnings">
          {[...warnings].reverse().map((warning) => (
            <li key={`${warning.time}-${warning.process}-${warning.kind}`} data-kind={warning.kind}>
              <span className="time">{clock(warning.time)}</span> <strong>{warning.process}</strong>{' '}
              <span className="kind">{warning.kind}</span> {warning.message}
            </li>
          ))}
        </ol>
      )}
    </span>
  );
}
