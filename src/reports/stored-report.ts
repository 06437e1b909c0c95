import { REPORT_ID_PATTERN } from './report-id.js';
import { type CrashReport, isCrashReportType } from './types.js';

/** Latest time an id can encode with a 4-digit year. */
export const MAX_REPORT_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function isValidReportTime(time: unknown): time is number {
  return typeof time === 'number' && Number.isFinite(time) && time >= 0 && time <= MAX_REPORT_TIME;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Checks what a report file holds before it is trusted: files on disk may be truncated, hand-edited or
 * from a future format. Returns the problem, or `null` when `data` is a usable version-1 report.
 */
export function storedReportProblem(data: unknown, id: string): string | null {
  if (!isRecord(data)) return 'not a JSON object';
  if (data.version !== 1) return `unsupported version ${JSON.stringify(data.version)}`;
  if (data.id !== id) return `its id ${JSON.stringify(data.id)} does not match the file name`;
  if (!REPORT_ID_PATTERN.test(id)) return 'the file name is not a report id';
  if (!isCrashReportType(data.type)) return `unknown type ${JSON.stringify(data.type)}`;
  for (const key of ['process', 'name', 'reason'] as const) {
    if (typeof data[key] !== 'string') return `"${key}" is not a string`;
  }
  if (!isValidReportTime(data.time)) return '"time" is not a valid time';
  for (const key of ['lines', 'restartHistory'] as const) {
    if (!Array.isArray(data[key])) return `"${key}" is not a list`;
  }
  for (const key of ['spec', 'env'] as const) {
    if (!isRecord(data[key])) return `"${key}" is not an object`;
  }
  return null;
}

export function asStoredReport(data: unknown, id: string): CrashReport | string {
  const problem = storedReportProblem(data, id);
  return problem === null ? (data as CrashReport) : problem;
}
