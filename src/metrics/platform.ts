import { LinuxTreeSource } from './linux-source.js';
import { PsTreeSource } from './ps-source.js';
import type { TreeSource } from './types.js';

/**
 * The tree source for this platform: one pass over /proc on Linux, one `ps` call per pass where
 * there is no /proc (macOS, the BSDs), none on Windows (figures stay null).
 */
export function createTreeSource(
  projectId: string,
  platform: NodeJS.Platform = process.platform,
): TreeSource | null {
  if (platform === 'linux') return new LinuxTreeSource({ projectId });
  if (platform === 'win32') return null;
  return new PsTreeSource({ projectId });
}
