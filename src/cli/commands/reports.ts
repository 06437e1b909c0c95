import { loadProject } from '../../config/load.js';
import { tryParseDuration } from '../../config/units.js';
import { OvrseerError } from '../../errors.js';
import { statePaths } from '../../os/state-dir.js';
import { CrashReporter } from '../../reports/crash-reporter.js';
import { renderReport, renderReportTable } from '../../reports/render.js';
import {
  CRASH_REPORT_TYPES,
  type CrashReport,
  type CrashReportFilter,
  isCrashReportType,
} from '../../reports/types.js';
import { createColors, shouldUseColor } from '../../terminal/format.js';

export interface ReportsOptions {
  id?: string;
  json?: boolean;
  file?: string;
  env?: string;
  process?: string;
  type?: string;
  /** `5m` (ago) or an ISO date. */
  since?: string;
  cwd?: string;
  out?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  err?: NodeJS.WritableStream;
  /** @default process.env (for COLUMNS and NO_COLOR) */
  environment?: NodeJS.ProcessEnv;
  now?: () => number;
}

/** How many ids an unknown-id error lists. */
const SUGGESTED_IDS = 5;

/**
 * `ovrseer reports [ID]`: reads the reports straight from the state directory, so it works whether
 * or not a supervisor is running (reports outlive the run that wrote them).
 */
export async function runReports(options: ReportsOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const environment = options.environment ?? process.env;
  const filter = parseFilter(options, options.now ?? Date.now);
  const spec = loadProject({
    cwd: options.cwd ?? process.cwd(),
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(options.env === undefined ? {} : { envName: options.env }),
  });
  const reporter = new CrashReporter({
    dir: statePaths(spec.settings.stateDir).reports,
    maxReports: spec.settings.limits.maxCrashReports,
    maxReportSize: spec.settings.limits.maxCrashReportSize,
    // A reader: never delete or rewrite what a running supervisor owns.
    readOnly: true,
    onError: (error) => err.write(`ovrseer: warning: ${error.message}\n`),
  });
  await reporter.load();
  const colors = createColors(shouldUseColor(out, environment));
  const style = { heading: colors.bold, dim: colors.dim };

  if (options.id !== undefined) {
    const report = findReport(reporter, options.id);
    out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report, style));
    return 0;
  }
  const summaries = reporter.list(filter);
  if (options.json) out.write(`${JSON.stringify(summaries)}\n`);
  else if (summaries.length === 0) out.write(`no crash reports${describeFilter(filter)}\n`);
  else out.write(renderReportTable(summaries, terminalWidth(out, environment), style));
  return 0;
}

function parseFilter(options: ReportsOptions, now: () => number): CrashReportFilter {
  const filter: CrashReportFilter = {};
  if (options.process !== undefined) filter.process = options.process;
  if (options.type !== undefined) {
    if (!isCrashReportType(options.type)) {
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `unknown report type "${options.type}"; expected one of: ${CRASH_REPORT_TYPES.join(', ')}`,
      );
    }
    filter.type = options.type;
  }
  if (options.since !== undefined) {
    const ago = tryParseDuration(options.since);
    const date = Date.parse(options.since);
    if (ago !== null) filter.since = now() - ago;
    else if (!Number.isNaN(date)) filter.since = date;
    else {
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `--since expects a duration such as "30m" or an ISO date, got "${options.since}"`,
      );
    }
  }
  return filter;
}

function describeFilter(filter: CrashReportFilter): string {
  const parts: string[] = [];
  if (filter.process !== undefined) parts.push(`process ${filter.process}`);
  if (filter.type !== undefined) parts.push(`type ${filter.type}`);
  if (filter.since !== undefined) parts.push(`since ${new Date(filter.since).toISOString()}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** An exact id, or an unambiguous prefix of one (ids are long; the time part is usually enough). */
function findReport(reporter: CrashReporter, id: string): CrashReport {
  const exact = reporter.get(id);
  if (exact !== undefined) return exact;
  const all = reporter.list();
  const matches = id === '' ? [] : all.filter((summary) => summary.id.startsWith(id));
  const [only] = matches;
  if (matches.length === 1 && only !== undefined) {
    const report = reporter.get(only.id);
    if (report !== undefined) return report;
  }
  if (matches.length > 1) {
    const shown = matches.slice(0, SUGGESTED_IDS).map((summary) => summary.id);
    const more = matches.length > shown.length ? `, … (${matches.length} in all)` : '';
    throw new OvrseerError(
      'OVRSEER_REPORT_NOT_FOUND',
      `"${id}" matches several crash reports: ${shown.join(', ')}${more}; give more of the id`,
    );
  }
  if (all.length === 0)
    throw new OvrseerError('OVRSEER_REPORT_NOT_FOUND', `no crash report "${id}": there are no crash reports`);
  const newest = all.slice(0, SUGGESTED_IDS).map((summary) => `  ${summary.id}`);
  throw new OvrseerError(
    'OVRSEER_REPORT_NOT_FOUND',
    `no crash report "${id}"; the newest are:\n${newest.join('\n')}\n(run \`ovrseer reports\` to list all ${all.length})`,
  );
}

/** The terminal's width; without a terminal, `COLUMNS` if set, else no limit (a pipe wants it all). */
function terminalWidth(out: { isTTY?: boolean; columns?: number }, environment: NodeJS.ProcessEnv): number {
  if (out.isTTY === true && typeof out.columns === 'number' && out.columns > 0) return out.columns;
  const columns = Number(environment.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : Number.POSITIVE_INFINITY;
}
