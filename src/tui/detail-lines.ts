import type { CommandSpec, ProbeSpec, ProcessSpec } from '../config/spec.js';
import { formatMs } from '../core/managed-process.js';
import type { ProcessRow } from '../supervisor/process-rows.js';
import { formatClock } from '../terminal/format.js';
import {
  type Colors,
  formatBytes,
  formatPercent,
  formatUptime,
  healthPaint,
  sanitizeLine,
  sparkline,
  statusPaint,
} from './format.js';
import type { ProcessDetails, ResourcePoint } from './source.js';

function commandText(command: CommandSpec): string {
  return command.kind === 'shell' ? command.script : command.argv.join(' ');
}

function probeText(probe: ProbeSpec): string {
  switch (probe.kind) {
    case 'log':
      return `log /${probe.pattern}/`;
    case 'http':
      return `http ${probe.method} ${probe.url}`;
    case 'tcp':
      return `tcp ${probe.host}:${probe.port}`;
    case 'exec':
      return `exec ${commandText(probe.command)}`;
    case 'notify':
      return 'notify READY=1';
  }
}

/** The config of a process in a few lines: what runs, how it restarts, stops and is checked. */
export function configLines(spec: ProcessSpec, c: Colors): string[] {
  const r = spec.restart;
  const restart =
    r.policy === 'no'
      ? 'no restart'
      : `restart ${r.policy} (${r.maxRetries === null ? 'no limit' : `max ${r.maxRetries}`}, delay ${formatMs(r.delay)}${r.backoff === 1 ? '' : `, backoff ×${r.backoff}`})`;
  const ready =
    spec.ready.length === 0 ? 'none' : spec.ready.map((check) => probeText(check.probe)).join(', ');
  const health =
    spec.health === null ? 'none' : `${probeText(spec.health.probe)} every ${formatMs(spec.health.interval)}`;
  const label = (text: string): string => c.dim(text);
  return [
    `  ${label('command')} ${commandText(spec.command)}`,
    `  ${label('type')} ${spec.type} · ${label('cwd')} ${spec.cwd}`,
    `  ${restart} · ${label('stop')} ${spec.stop.signal}, then SIGKILL after ${formatMs(spec.stop.timeout)}`,
    `  ${label('ready')} ${ready} · ${label('health')} ${health}`,
    `  ${label('group')} ${spec.group ?? '-'} · ${label('tags')} ${spec.tags.join(', ') || '-'} · ${label('replicas')} ${spec.replicas} · ${label('port')} ${spec.port ?? '-'}`,
  ];
}

/** `points` squeezed (bucket averages) or kept into at most `width` values. */
export function resample(values: readonly (number | null)[], width: number): (number | null)[] {
  if (values.length <= width) return [...values];
  const out: (number | null)[] = [];
  for (let bucket = 0; bucket < width; bucket += 1) {
    const from = Math.floor((bucket * values.length) / width);
    const to = Math.floor(((bucket + 1) * values.length) / width);
    const numbers = values.slice(from, to).filter((value): value is number => value !== null);
    out.push(numbers.length === 0 ? null : numbers.reduce((sum, value) => sum + value, 0) / numbers.length);
  }
  return out;
}

/** CPU and memory over the whole history window, as wide graphs with their range. */
export function graphLines(points: readonly ResourcePoint[], width: number, c: Colors): string[] {
  if (points.length === 0) return [c.dim('  no samples yet')];
  const span = formatMs(Math.max(0, (points[points.length - 1]?.time ?? 0) - (points[0]?.time ?? 0)));
  const graphWidth = Math.max(10, width - 34);
  const cpu = points.map((point) => point.cpu);
  const memory = points.map((point) => point.memory);
  const numbers = (values: (number | null)[]): number[] =>
    values.filter((value): value is number => value !== null);
  const cpuMax = Math.max(0, ...numbers(cpu));
  const memValues = numbers(memory);
  const memRange =
    memValues.length === 0
      ? '-'
      : `${formatBytes(Math.min(...memValues))}–${formatBytes(Math.max(...memValues))}`;
  return [
    `  ${c.dim(`cpu    (${span})`.padEnd(16))} ${c.cyan(sparkline(resample(cpu, graphWidth), graphWidth, Math.max(100, cpuMax)))}  max ${formatPercent(cpuMax)}`,
    `  ${c.dim(`memory (${span})`.padEnd(16))} ${c.magenta(sparkline(resample(memory, graphWidth), graphWidth))}  ${memRange}`,
  ];
}

/** Everything the detail view shows, top to bottom. */
export function detailLines(
  row: ProcessRow | undefined,
  details: { data: ProcessDetails | null; error: string | null; id: string },
  rows: readonly ProcessRow[],
  points: readonly ResourcePoint[],
  c: Colors,
  width: number,
): string[] {
  const head =
    row === undefined
      ? c.bold(` ${details.id} (gone)`)
      : ` ${c.bold(row.name)}  ${statusPaint(c, row.status)(row.status)}  ${c.dim('health')} ${healthPaint(c, row.health)(row.health)}  ${c.dim('pid')} ${row.pid ?? '-'}  ${c.dim('up')} ${formatUptime(row.uptime_ms)}  ${c.dim('restarts')} ${row.restarts}  ${c.dim('cpu')} ${formatPercent(row.cpu)}  ${c.dim('mem')} ${formatBytes(row.memory)}`;
  const lines = [head];
  if (row?.reason) lines.push(c.red(`   ${row.reason}`));
  const section = (title: string): void => {
    lines.push('', c.bold(` ${title}`));
  };
  section('resources');
  lines.push(...graphLines(points, width, c));
  if (details.error !== null) return [...lines, '', c.red(`  ${details.error}`)];
  const data = details.data;
  if (data === null) return [...lines, '', c.dim('  loading…')];
  section('config');
  lines.push(
    ...(data.spec === null
      ? [c.dim('  not available (the config could not be read here)')]
      : configLines(data.spec, c)),
  );
  section('dependencies');
  if (data.dependencies.length === 0) lines.push(c.dim('  none'));
  for (const dependency of data.dependencies) {
    const states = rows
      .filter((candidate) => candidate.process === dependency.name)
      .map((candidate) => statusPaint(c, candidate.status)(candidate.status));
    lines.push(
      `  ${dependency.name} ${c.dim(`(${dependency.condition}${dependency.implicit ? ', tier rule' : ''})`)} → ${states.join(', ') || c.dim('unknown')}`,
    );
  }
  section(
    data.restartsFrom === 'engine' ? 'restart history' : 'restart history (from the last crash report)',
  );
  const restarts = data.restarts ?? [];
  if (restarts.length === 0) lines.push(c.dim('  none'));
  for (const record of restarts.slice(-5)) {
    const next = record.delay === null ? 'no restart' : `restart in ${formatMs(record.delay)}`;
    lines.push(
      `  ${c.dim(formatClock(record.time))} ${record.reason} after ${formatMs(record.uptime)} · ${next}`,
    );
  }
  section(`crash reports (${data.reports.length})`);
  const report = data.lastReport;
  if (report === null) lines.push(c.dim('  none'));
  else {
    lines.push(
      `  ${c.dim(formatClock(report.time))} ${c.red(report.type)} ${report.reason} ${c.dim(`(ovrseer reports ${report.id})`)}`,
    );
    for (const line of report.lines.slice(-5)) lines.push(`    ${c.dim('│')} ${sanitizeLine(line.text)}`);
  }
  return lines;
}
