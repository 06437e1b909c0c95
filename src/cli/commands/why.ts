import type { ChainLink } from '../../core/critical-chain.js';
import type { WhyAnswer, WhyCondition } from '../../core/why.js';
import type { LiveGraph } from '../../supervisor/why-answer.js';
import { type LocateOptions, querySupervisor } from '../locate.js';

export interface WhyOptions extends LocateOptions {
  json?: boolean;
  out?: NodeJS.WritableStream;
  /** @default Date.now */
  now?: () => number;
}

/** `ovrseer why NAME`: the chain of conditions holding a process back, from the running supervisor. */
export async function runWhy(name: string, options: WhyOptions): Promise<number> {
  const { answer } = await querySupervisor(options, (client) =>
    client.get<WhyAnswer>(`/v1/why/${encodeURIComponent(name)}`),
  );
  const out = options.out ?? process.stdout;
  out.write(options.json ? `${JSON.stringify(answer)}\n` : renderWhy(answer, (options.now ?? Date.now)()));
  return 0;
}

/** `ovrseer graph --timings`: the critical chain of the last start, from the running supervisor. */
export async function runGraphTimings(options: WhyOptions): Promise<number> {
  const { answer } = await querySupervisor(options, (client) => client.get<LiveGraph>('/v1/graph'));
  const out = options.out ?? process.stdout;
  out.write(
    options.json
      ? `${JSON.stringify({ start: answer.timingsStart, criticalChain: answer.criticalChain, edgeTimings: answer.edgeTimings })}\n`
      : renderCriticalChain(answer.criticalChain),
  );
  return 0;
}

export function renderWhy(answer: WhyAnswer, now: number): string {
  const lines: string[] = [];
  describe(answer, '', now, lines);
  const cause = answer.firstCause;
  const report = cause?.reportId == null ? '' : ` (crash report: ovrseer reports ${cause.reportId})`;
  // A failure of its own is the headline already: only its report is new.
  if (cause !== null && cause.process !== answer.process)
    lines.push(`first cause: ${cause.process} ${cause.state}: ${cause.reason}${report}`);
  else if (report !== '') lines.push(`crash report: ovrseer reports ${cause?.reportId}`);
  return `${lines.join('\n')}\n`;
}

function describe(answer: WhyAnswer, prefix: string, now: number, lines: string[]): void {
  const since = answer.since === null ? '' : ` since ${formatDuration(now - answer.since)}`;
  const verdict = answer.waiting
    ? answer.state === 'pending'
      ? 'waiting for its dependencies'
      : 'waiting'
    : answer.state === 'failed'
      ? answer.reason
      : `not waiting (${answer.reason})`;
  lines.push(`${prefix}${answer.process} is ${answer.state}${since}: ${verdict}`);
  answer.conditions.forEach((condition, index) => {
    const last = index === answer.conditions.length - 1;
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describeCondition(condition, now)}`);
    const below = `${prefix}${last ? '   ' : '│  '}`;
    for (const blocker of condition.blockedBy) describe(blocker, below, now, lines);
  });
}

function describeCondition(condition: WhyCondition, now: number): string {
  const head = `${condition.label}: ${condition.state}`;
  if (condition.state === 'waiting')
    return `${head} since ${formatDuration(now - condition.since)}${condition.reason === null ? '' : ` (${condition.reason})`}`;
  const after = condition.until === null ? '' : ` after ${formatDuration(condition.until - condition.since)}`;
  return `${head}${after}${condition.reason === null ? '' : ` (${condition.reason})`}`;
}

/**
 * systemd-analyze's layout: `@` when each was done after the first start, `+` how long its own start
 * (spawn and readiness checks) took; below it, the dependency it waited for last.
 */
export function renderCriticalChain(chain: readonly ChainLink[]): string {
  if (chain.length === 0) return 'no start recorded yet\n';
  const lines = ['critical chain of the last start (@ done after the first start, + its own start took):'];
  chain.forEach((link, index) => {
    const indent = index === 0 ? '' : `${'   '.repeat(index - 1)}└─ `;
    const at = link.atMs === null ? `(${link.state}, not done)` : `@${formatDuration(link.atMs)}`;
    const took = link.tookMs === null ? '' : ` +${formatDuration(link.tookMs)}`;
    const gate =
      link.gate === null
        ? ''
        : ` — waited ${link.gate.waitedMs === null ? 'still' : formatDuration(link.gate.waitedMs)} for ${link.gate.name}: ${link.gate.condition}`;
    lines.push(`${indent}${link.process} ${at}${took}${gate}`);
  });
  return `${lines.join('\n')}\n`;
}

/** `0.25s`, `3.4s`, `12s`, `2m05s`: tenths while they tell something. */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 1000) return `${(clamped / 1000).toFixed(2)}s`;
  if (clamped < 10_000) return `${(clamped / 1000).toFixed(1)}s`;
  const seconds = Math.floor(clamped / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
