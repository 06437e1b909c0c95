export function duration(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

export function bytes(value: number | null): string {
  if (value === null) return '';
  if (value < 1024) return `${value} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = value / 1024;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[unit]}`;
}

export function percent(value: number | null): string {
  return value === null ? '' : `${value < 10 ? value.toFixed(1) : Math.round(value)}%`;
}

export function clock(iso: string | number): string {
  const date = new Date(iso);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The CSS class of a state's colour (one palette for rows, graph nodes and badges). */
export function stateClass(status: string): string {
  switch (status) {
    case 'ready':
    case 'running':
    case 'completed':
      return 'ok';
    case 'starting':
    case 'pending':
    case 'stopping':
    case 'backoff':
    case 'paused':
      return 'wait';
    case 'crashed':
    case 'failed':
      return 'bad';
    default:
      return 'off';
  }
}
