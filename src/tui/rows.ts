import type { ProcessRow } from '../supervisor/process-rows.js';

export const SORTS = ['config', 'name', 'status', 'cpu', 'memory'] as const;
export type SortKey = (typeof SORTS)[number];

/** Worst first, so problems float to the top when sorting by status. */
const STATUS_ORDER = [
  'failed',
  'crashed',
  'backoff',
  'paused',
  'stopping',
  'starting',
  'pending',
  'running',
  'ready',
  'completed',
  'stopped',
];

/** `group:G` / `tag:T`, or `null` for everything. */
export function matchesFilter(row: ProcessRow, filter: string | null): boolean {
  if (filter === null) return true;
  if (filter.startsWith('group:')) return row.group === filter.slice(6);
  if (filter.startsWith('tag:')) return row.tags.includes(filter.slice(4));
  return true;
}

/** What `f` cycles through: every group, then every tag, in the order they first appear. */
export function filterChoices(rows: readonly ProcessRow[]): string[] {
  const groups = new Set<string>();
  const tags = new Set<string>();
  for (const row of rows) {
    if (row.group !== null) groups.add(`group:${row.group}`);
    for (const tag of row.tags) tags.add(`tag:${tag}`);
  }
  return [...groups, ...tags];
}

/** The rows to show: filtered, then sorted (stable: config order breaks ties). */
export function visibleRows(rows: readonly ProcessRow[], filter: string | null, sort: SortKey): ProcessRow[] {
  const shown = rows.filter((row) => matchesFilter(row, filter));
  if (sort === 'config') return shown;
  const rank = (status: string): number => {
    const index = STATUS_ORDER.indexOf(status);
    return index === -1 ? STATUS_ORDER.length : index;
  };
  const compare: Record<Exclude<SortKey, 'config'>, (a: ProcessRow, b: ProcessRow) => number> = {
    name: (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }),
    status: (a, b) => rank(a.status) - rank(b.status),
    cpu: (a, b) => (b.cpu ?? -1) - (a.cpu ?? -1),
    memory: (a, b) => (b.memory ?? -1) - (a.memory ?? -1),
  };
  return shown
    .map((row, index) => ({ row, index }))
    .sort((a, b) => compare[sort](a.row, b.row) || a.index - b.index)
    .map(({ row }) => row);
}

/** `3 ready, 1 failed` in a fixed order of states. */
export function statusCounts(rows: readonly ProcessRow[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => STATUS_ORDER.indexOf(a[0]) - STATUS_ORDER.indexOf(b[0]));
}
