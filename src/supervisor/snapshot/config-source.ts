import { readFileSync, statSync } from 'node:fs';
import { MAX_CONFIG_BYTES } from '../../config/defaults.js';
import { errorMessage } from '../../errors.js';

/**
 * The config file's text as the supervisor starts, for snapshots: read then, because the file may
 * be edited while the project runs and the snapshot is of what is in force. `null` for a spec built
 * in code; a file that cannot be read is said through `onProblem` and left out.
 */
export function readConfigSource(
  file: string | null,
  onProblem: (message: string) => void,
): { path: string; text: string } | null {
  if (file === null) return null;
  try {
    if (statSync(file).size > MAX_CONFIG_BYTES) {
      onProblem(`snapshots leave out the text of ${file}: it is over ${MAX_CONFIG_BYTES} bytes`);
      return null;
    }
    return { path: file, text: readFileSync(file, 'utf8') };
  } catch (error) {
    onProblem(`snapshots leave out the text of ${file}: ${errorMessage(error)}`);
    return null;
  }
}
