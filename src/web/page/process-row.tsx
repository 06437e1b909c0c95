import { memo, useSyncExternalStore } from 'react';
import { ActionButton, ScaleButtons } from './action-button.js';
import type { Row } from './api.js';
import { bytes, duration, percent, stateClass } from './format.js';
import { Sparkline } from './sparkline.js';

export interface ProcessRowProps {
  row: Row;
  /** When it started (epoch ms, whole seconds): unlike `uptime_ms` the same in every push. */
  started: number | null;
  selected: boolean;
  cpuPath: string;
  memoryPath: string;
  /** The first instance of a process carries its scale buttons; 0 on the others. */
  replicas: number;
  /** Stable across renders (the table keeps them in refs), so they never make a row render again. */
  onToggle(name: string): void;
  onLogs(name: string): void;
}

/**
 * One instance's row. Every 2 s the supervisor pushes all rows anew (new objects, mostly the same
 * values): a row renders again only when what it shows changed, so an idle table costs a compare
 * per row instead of 100 rows of React and layout.
 */
export const ProcessRow = memo(function ProcessRow({
  row,
  started,
  selected,
  cpuPath,
  memoryPath,
  replicas,
  onToggle,
  onLogs,
}: ProcessRowProps) {
  return (
    <tr data-process={row.name} className={selected ? 'selected' : ''}>
      <td>
        <input
          type="checkbox"
          aria-label={`select ${row.name}`}
          checked={selected}
          onChange={() => onToggle(row.name)}
        />
      </td>
      <td className="name">
        <button type="button" className="link" title="logs" onClick={() => onLogs(row.name)}>
          {row.name}
        </button>
        {row.branch !== null && <span className="branch">⎇ {row.branch}</span>}
      </td>
      <td className="status">
        <span className={`badge ${stateClass(row.status)}`} data-status={row.status}>
          {row.status}
        </span>
        {row.reason !== null && <span className="reason">{row.reason}</span>}
      </td>
      <td className={`health ${row.health}`}>{row.health === 'unknown' ? '' : row.health}</td>
      <td className="num">{row.pid ?? ''}</td>
      <td className="num">
        <Uptime started={started} />
      </td>
      <td className="num restarts" data-restarts={row.restarts}>
        {row.restarts}
      </td>
      <td className="num">
        <Sparkline path={cpuPath} /> {percent(row.cpu)}
      </td>
      <td className="num">
        <Sparkline path={memoryPath} /> {bytes(row.memory)}
      </td>
      <td>
        {row.ports.map((port) => (
          <a key={port} href={`http://127.0.0.1:${port}`} target="_blank" rel="noreferrer">
            :{port}
          </a>
        ))}
      </td>
      <td className="tags">
        {row.group !== null && <span className="tag">{row.group}</span>}
        {row.tags.map((tag) => (
          <span key={tag} className="tag">
            #{tag}
          </span>
        ))}
      </td>
      <td className="actions">
        <ActionButton action="start" targets={[row.name]} />
        <ActionButton action="stop" targets={[row.name]} />
        <ActionButton action="restart" targets={[row.name]} />
        {row.status === 'paused' ? (
          <ActionButton action="resume" targets={[row.name]} title="SIGCONT its whole tree" />
        ) : (
          <ActionButton
            action="pause"
            targets={[row.name]}
            disabled={row.status !== 'running' && row.status !== 'ready'}
            title="SIGSTOP its whole tree; probes wait until resumed"
          />
        )}
        {replicas > 0 && <ScaleButtons process={row.process} replicas={replicas} />}
      </td>
    </tr>
  );
}, sameProps);

function sameProps(a: ProcessRowProps, b: ProcessRowProps): boolean {
  return (
    a.started === b.started &&
    a.selected === b.selected &&
    a.cpuPath === b.cpuPath &&
    a.memoryPath === b.memoryPath &&
    a.replicas === b.replicas &&
    a.onToggle === b.onToggle &&
    a.onLogs === b.onLogs &&
    sameRow(a.row, b.row)
  );
}

/** What a row shows, compared field by field (uptime aside: `started` and the clock below show it). */
export function sameRow(a: Row, b: Row): boolean {
  return (
    a.name === b.name &&
    a.process === b.process &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.health === b.health &&
    a.pid === b.pid &&
    a.restarts === b.restarts &&
    percent(a.cpu) === percent(b.cpu) &&
    bytes(a.memory) === bytes(b.memory) &&
    a.branch === b.branch &&
    a.group === b.group &&
    a.ports.join() === b.ports.join() &&
    a.tags.join() === b.tags.join()
  );
}

let now = Date.now();
const clockListeners = new Set<() => void>();

/** Moves the uptime cells' clock (at each push of the rows): only those cells render again. */
export function tickUptime(time: number): void {
  now = time;
  for (const listener of clockListeners) listener();
}

function subscribeClock(listener: () => void): () => void {
  clockListeners.add(listener);
  return () => clockListeners.delete(listener);
}

function Uptime({ started }: { started: number | null }) {
  const time = useSyncExternalStore(subscribeClock, () => now);
  return started === null ? null : duration(Math.max(0, time - started));
}

/** `uptime_ms` as a start time rounded to the second, so it stays the same from one push to the next. */
export function startedAt(uptimeMs: number | null, time: number): number | null {
  return uptimeMs === null ? null : Math.round((time - uptimeMs) / 1000) * 1000;
}
