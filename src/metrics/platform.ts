import { LinuxTreeSource } from './linux-source.js';
import type { TreeSource } from './types.js';

/**
 * The tree source for this platform: one pass over /proc on Linux. Elsewhere there is none yet
 * (figures stay null): a `ps`-based source plugs in here.
 */
export function createTreeSource(
  projectId: string,
  platform: NodeJS.Platform = process.platform,
): TreeSource | null {
  if (platform === 'linux') return new LinuxTreeSource({ projectId });
  return null;
}
