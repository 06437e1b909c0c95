import { OvrseerError } from '../errors.js';
import type { ProcessInput } from './input.js';
import { didYouMean } from './suggest.js';

/** `-m web=2,worker=1,all=0`: instances per process; `all` is the count of every process not named. */
export interface Formation {
  counts: ReadonlyMap<string, number>;
  all?: number;
}

const PAIR_RE = /^([A-Za-z0-9_-]+)=(\d+)$/;

export function parseFormation(text: string): Formation {
  const counts = new Map<string, number>();
  let all: number | undefined;
  // foreman ignores whitespace anywhere in the value.
  for (const pair of text
    .replace(/\s/g, '')
    .split(',')
    .filter((p) => p !== '')) {
    const [, name, count] = PAIR_RE.exec(pair) ?? [];
    if (name === undefined || count === undefined) {
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `-m ${JSON.stringify(text)}: expected NAME=COUNT pairs such as web=2,worker=1 (all=N for the rest), got ${JSON.stringify(pair)}`,
      );
    }
    if (name === 'all') all = Number(count);
    else counts.set(name, Number(count));
  }
  return all === undefined ? { counts } : { counts, all };
}

/**
 * Applies a formation. `foreman`: as foreman does for a Procfile, a formation says what runs — a
 * process it does not name runs `all` times, 0 when there is no `all` (without `-m`, everything runs
 * once). Otherwise it only changes the processes it names (or all of them with `all=N`). A count of 0
 * disables the process: it does not start unless named (`ovrseer up worker`).
 */
export function applyFormation(
  processes: readonly ProcessInput[],
  formation: Formation | undefined,
  foreman: boolean,
): ProcessInput[] {
  if (formation === undefined) return [...processes];
  const names = processes.map((p) => p.name);
  for (const name of formation.counts.keys()) {
    if (!names.includes(name)) {
      const hint = didYouMean(name, names);
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `-m ${name}=…: no process named '${name}'${hint} (processes: ${names.join(', ')})`,
      );
    }
  }
  return processes.map((p) => {
    const named = formation.counts.get(p.name);
    const count = named ?? formation.all ?? (foreman ? 0 : undefined);
    if (count === undefined) return p;
    if (count === 0) return { ...p, disabled: true };
    // Naming a process in the formation asks for it to run, even if the config disables it.
    return named === undefined ? { ...p, replicas: count } : { ...p, replicas: count, disabled: false };
  });
}
