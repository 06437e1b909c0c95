import type { ReloadOutcome } from '../core/reload-apply.js';
import type { WhyAnswer, WhyCondition } from '../core/why.js';
import { formatAge } from './format.js';

/** The deepest condition still waiting: what the whole chain waits on in the end. */
function deepestWaiting(conditions: readonly WhyCondition[]): WhyCondition | null {
  const waiting = conditions.find((condition) => condition.state === 'waiting');
  if (waiting === undefined) return null;
  for (const blocker of waiting.blockedBy) {
    const deeper = deepestWaiting(blocker.conditions);
    if (deeper !== null) return deeper;
  }
  return waiting;
}

/** `w` on the status line: one line of `ovrseer why` (the CLI prints the whole chain). */
export function whyLine(answer: WhyAnswer, now: number): string {
  if (answer.firstCause !== null && answer.firstCause.process !== answer.process) {
    const report =
      answer.firstCause.reportId === null ? '' : ` (ovrseer reports ${answer.firstCause.reportId})`;
    return `${answer.process} ${answer.state}: first cause ${answer.firstCause.process} ${answer.firstCause.state}: ${answer.firstCause.reason}${report}`;
  }
  if (!answer.waiting) return `${answer.process} is ${answer.state}: not waiting (${answer.reason})`;
  const condition = deepestWaiting(answer.conditions);
  if (condition === null) return `${answer.process} is ${answer.state}: ${answer.reason}`;
  const since = formatAge(Math.max(0, now - condition.since));
  const direct = answer.conditions.find((entry) => entry.state === 'waiting');
  const via = direct !== undefined && direct !== condition ? ` (through ${direct.label})` : '';
  return `${answer.process} waits for ${condition.label} since ${since}${via} — ovrseer why ${answer.process}`;
}

/** `L` on the status line: what the reload did, counted by action. */
export function reloadLine(outcome: ReloadOutcome): string {
  const counts = new Map<string, number>();
  for (const entry of outcome.plan.entries)
    if (entry.action !== 'unchanged') counts.set(entry.action, (counts.get(entry.action) ?? 0) + 1);
  const later =
    outcome.plan.needsDownUp.length === 0 ? '' : `; needs down/up: ${outcome.plan.needsDownUp.join(', ')}`;
  if (counts.size === 0) return `reload: nothing to do${later}`;
  const done = [...counts].map(([action, count]) => `${count} ${action}`).join(', ');
  return `reload: ${done}${later}`;
}
