import { loadProject } from '../../config/load.js';
import { summarizeProject } from '../../config/summary.js';
import { printConfigWarnings } from '../config-warnings.js';

export interface ValidateOptions {
  file?: string;
  env?: string;
  cwd?: string;
  out?: NodeJS.WritableStream;
  /** Warnings (an env file outside the project); default stderr. */
  err?: NodeJS.WritableStream;
}

/** `ovrseer validate`: "ok" and a one-line summary; errors are thrown as ConfigError (exit 2). */
export function runValidate(options: ValidateOptions): number {
  const spec = loadProject({
    cwd: options.cwd ?? process.cwd(),
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(options.env === undefined ? {} : { envName: options.env }),
  });
  printConfigWarnings(spec, options.err);
  (options.out ?? process.stdout).write(`ok: ${summarizeProject(spec)}\n`);
  return 0;
}
