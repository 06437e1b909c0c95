import type { ProjectSpec } from '../config/spec.js';
import { nodeCrypto } from './lazy-builtin.js';

// Its own module: `up -d`, `down` and `logs` need the id without loading the engine (docs/startup.md).
/** Stable per config file (or per directory and name for a spec built in code). */
export function projectIdOf(spec: ProjectSpec): string {
  return nodeCrypto()
    .createHash('sha256')
    .update(spec.file ?? `${spec.dir}\0${spec.name}`)
    .digest('hex')
    .slice(0, 16);
}
