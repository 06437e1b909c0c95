import type { CrashReport, CrashReportLine, CrashReportTruncation } from './types.js';

/** A report's skeleton (ids, the normalized spec) takes about 1 KiB: smaller limits are raised to this. */
export const MIN_REPORT_SIZE = 2048;

export interface FittedReport {
  report: CrashReport;
  /** The serialized report, exactly what is measured and written. */
  json: string;
  /** False only when even the last resort did not bring the report under the limit. */
  fits: boolean;
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const jsonBytes = (value: unknown): number => bytes(JSON.stringify(value) ?? '');

/**
 * Brings a report under `maxBytes` of serialized JSON, cutting the least useful parts first: the oldest
 * log lines (with a marker line saying how many), then long strings, then the inherited environment,
 * the oldest restart records, the configured env and context, and finally any string over 32 chars.
 * Mutates `report`, which is the reporter's own copy.
 */
export function fitReport(report: CrashReport, maxBytes: number): FittedReport {
  const limit = Math.max(maxBytes, MIN_REPORT_SIZE);
  const cut: CrashReportTruncation = { lines: 0, restartHistory: 0, fields: 0 };
  const stages: ((excess: number) => void)[] = [
    () => capLongLines(report, Math.floor(limit / 4), cut),
    (excess) => dropOldestLines(report, excess, limit, cut),
    (excess) => truncateStrings(report, excess, 256, cut),
    () => dropEnvironment(report, cut),
    (excess) => dropOldestRestarts(report, excess, cut),
    () => dropConfiguredMaps(report, cut),
    (excess) => truncateStrings(report, excess, 32, cut),
  ];
  let json = JSON.stringify(report);
  for (const stage of stages) {
    if (bytes(json) <= limit) break;
    // The truncation record is part of the report, so it is counted before each stage measures.
    report.truncated = cut;
    json = JSON.stringify(report);
    stage(bytes(json) - limit);
    json = JSON.stringify(report);
  }
  return { report, json, fits: bytes(json) <= limit };
}

function truncationMarker(count: number, unit: string): string {
  return `… [${count} ${unit} cut to fit max_crash_report_size]`;
}

function truncateText(text: string, removeAtLeast: number, keepAtLeast: number): string | null {
  const markerLength = truncationMarker(text.length, 'chars').length;
  const keep = Math.max(keepAtLeast, text.length - removeAtLeast - markerLength);
  if (keep >= text.length - markerLength) return null;
  let head = text.slice(0, keep);
  // Never leave half of a surrogate pair: it would serialize as an escape and mean nothing.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}${truncationMarker(text.length - head.length, 'chars')}`;
}

/** A single huge line (up to 64 KiB) must not push every other line out of the report. */
function capLongLines(report: CrashReport, maxLineBytes: number, cut: CrashReportTruncation): void {
  for (const line of report.lines) {
    const excess = bytes(line.text) - maxLineBytes;
    if (excess <= 0) continue;
    const shorter = truncateText(line.text, excess, 0);
    if (shorter === null) continue;
    line.text = shorter;
    cut.fields += 1;
  }
}

function droppedLinesMarker(count: number, time: number): CrashReportLine {
  return {
    time,
    stream: 'system',
    text: `[ovrseer] ${count} earlier lines dropped to fit max_crash_report_size`,
  };
}

function dropOldestLines(
  report: CrashReport,
  excess: number,
  limit: number,
  cut: CrashReportTruncation,
): void {
  const lines = report.lines;
  if (lines.length === 0) return;
  let removed = 0;
  let count = 0;
  while (count < lines.length) {
    const line = lines[count];
    if (line === undefined) break;
    removed += jsonBytes(line) + 1;
    count += 1;
    const marker = droppedLinesMarker(count, line.time);
    if (removed - (jsonBytes(marker) + 1) >= excess) break;
  }
  // Costs per line are exact but the comma count is off by one at the ends: check and adjust.
  const build = (n: number): CrashReportLine[] => {
    const last = lines[n - 1];
    // The truncation record is serialized too: its count must be the one being measured.
    cut.lines = n;
    return [droppedLinesMarker(n, last?.time ?? report.time), ...lines.slice(n)];
  };
  report.lines = build(count);
  while (count < lines.length && bytes(JSON.stringify(report)) > limit) {
    count += 1;
    report.lines = build(count);
  }
  // The estimate may also have dropped one line too many: keep every line that still fits.
  while (count > 1) {
    report.lines = build(count - 1);
    if (bytes(JSON.stringify(report)) > limit) break;
    count -= 1;
  }
  report.lines = build(count);
}

function dropOldestRestarts(report: CrashReport, excess: number, cut: CrashReportTruncation): void {
  let removed = 0;
  let count = 0;
  for (const record of report.restartHistory) {
    if (removed >= excess) break;
    removed += jsonBytes(record) + 1;
    count += 1;
  }
  report.restartHistory = report.restartHistory.slice(count);
  cut.restartHistory += count;
}

function mapNote(what: string, count: number): Record<string, string> {
  return { '[ovrseer]': `${count} ${what} dropped to fit max_crash_report_size` };
}

/** The whole inherited environment is large and rarely the clue; the configured `env` stays longer. */
function dropEnvironment(report: CrashReport, cut: CrashReportTruncation): void {
  report.env = mapNote('variables', Object.keys(report.env).length);
  cut.fields += 1;
  if (report.inheritedEnv !== undefined && report.inheritedEnv.length > 0) {
    report.inheritedEnv = [
      `[ovrseer] ${report.inheritedEnv.length} names dropped to fit max_crash_report_size`,
    ];
    cut.fields += 1;
  }
}

function dropConfiguredMaps(report: CrashReport, cut: CrashReportTruncation): void {
  report.spec.env = mapNote('variables', Object.keys(report.spec.env).length);
  cut.fields += 1;
  if (report.context !== undefined) {
    report.context = mapNote('context entries', Object.keys(report.context).length);
    cut.fields += 1;
  }
}

interface StringSlot {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  value: string;
}

/** Identity fields stay whole: they name the report and are short by construction. */
const KEEP_WHOLE = new Set(['id', 'process', 'name', 'type', 'stream']);

function stringSlots(value: unknown, slots: StringSlot[], parentKey: string | null): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (typeof item === 'string') slots.push({ holder: value, key: index, value: item });
      else stringSlots(item, slots, parentKey);
    });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const [key, item] of Object.entries(record)) {
    if (typeof item === 'string') {
      if (!(parentKey === null && KEEP_WHOLE.has(key))) slots.push({ holder: record, key, value: item });
    } else stringSlots(item, slots, key);
  }
}

function truncateStrings(
  report: CrashReport,
  excess: number,
  keep: number,
  cut: CrashReportTruncation,
): void {
  const slots: StringSlot[] = [];
  stringSlots(report, slots, null);
  slots.sort((a, b) => b.value.length - a.value.length);
  let remaining = excess;
  for (const slot of slots) {
    if (remaining <= 0 || slot.value.length <= keep) break;
    const shorter = truncateText(slot.value, remaining, keep);
    if (shorter === null) continue;
    remaining -= jsonBytes(slot.value) - jsonBytes(shorter);
    if (Array.isArray(slot.holder)) slot.holder[slot.key as number] = shorter;
    else slot.holder[slot.key as string] = shorter;
    cut.fields += 1;
  }
}
