import { readFileSync } from 'node:fs';
import type { ProjectSpec } from '../../config/spec.js';
import { errorMessage, OvrseerError } from '../../errors.js';
import { parseSnapshot, type Snapshot } from './format.js';

/**
 * States of an instance that was wanted running when the snapshot was taken: it is started again.
 * `stopped`, `completed`, `failed`, `crashed` and `stopping` ones stay down.
 */
const WANTED_STATES = new Set(['pending', 'starting', 'running', 'ready', 'backoff', 'paused']);

export interface RestorePlan {
  /** The snapshot's project with each process's replicas as they were (after any `scale`). */
  spec: ProjectSpec;
  /** Start targets: a process whose every instance ran by name, else the instances that ran (`web.2`). */
  names: string[];
}

/** Reads and checks a snapshot file (`OVRSEER_SNAPSHOT_INVALID` for a bad one, naming the file). */
export function readSnapshotFile(file: string): Snapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OvrseerError(
      'OVRSEER_SNAPSHOT_INVALID',
      `cannot read snapshot ${file}: ${errorMessage(error)}`,
    );
  }
  return parseSnapshot(text, file);
}

/** What `up --from-snapshot` runs: the same set of processes, the running ones running. */
export function restorePlan(snapshot: Snapshot): RestorePlan {
  const spec = JSON.parse(JSON.stringify(snapshot.config.spec)) as ProjectSpec;
  for (const process of spec.processes)
    process.replicas = snapshot.replicas[process.name] ?? process.replicas;
  const names: string[] = [];
  for (const process of spec.processes) {
    const instances = snapshot.instances.filter((instance) => instance.process === process.name);
    const wanted = instances.filter((instance) => WANTED_STATES.has(instance.status));
    if (wanted.length === 0) continue;
    if (wanted.length === instances.length) names.push(process.name);
    else names.push(...wanted.map((instance) => instance.name));
  }
  if (names.length === 0)
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `nothing was running when the snapshot of ${snapshot.project.name} was taken (${snapshot.createdAt}): there is nothing to restore; \`ovrseer up\` starts the project`,
    );
  return { spec, names };
}
