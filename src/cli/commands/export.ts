import { isAbsolute, relative, resolve } from 'node:path';
import { loadProject } from '../../config/load.js';
import { OvrseerError } from '../../errors.js';
import { EXIT_USAGE } from '../../exit-codes.js';
import { exportProject } from '../../export/index.js';
import { writeExport } from '../../export/write.js';

export interface ExportCommandOptions {
  output: string;
  file?: string;
  env?: string;
  app?: string;
  user?: string;
  image?: string;
  logDir?: string;
  force?: boolean;
  cwd?: string;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

/** A bad output directory is a usage error (exit 2), like a bad argument. */
const WRITE_CODES = new Set(['OVRSEER_EXPORT_EXISTS', 'OVRSEER_EXPORT_WRITE_FAILED']);

function shown(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * `ovrseer export FORMAT -o DIR`: writes the files for systemd, supervisord, docker compose or
 * Kubernetes, lists them, then lists what did not translate (key by key, with the reason) and what to
 * run next.
 */
export async function runExport(format: string, options: ExportCommandOptions): Promise<number> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const spec = loadProject({
    cwd,
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(options.env === undefined ? {} : { envName: options.env }),
  });
  const outDir = resolve(cwd, options.output);
  const result = await exportProject(spec, format, {
    outDir,
    ...(options.app === undefined ? {} : { app: options.app }),
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.image === undefined ? {} : { image: options.image }),
    ...(options.logDir === undefined ? {} : { logDir: resolve(cwd, options.logDir) }),
  });
  let written: ReturnType<typeof writeExport>;
  try {
    written = writeExport(result.files, outDir, { force: options.force === true });
  } catch (error) {
    if (!(error instanceof OvrseerError) || !WRITE_CODES.has(error.code)) throw error;
    err.write(`ovrseer: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const count = written.written.length;
  const lines = [`wrote ${count} ${count === 1 ? 'file' : 'files'} to ${shown(cwd, outDir)} (${format}):`];
  for (const name of written.written) {
    lines.push(`  ${name}${written.replaced.includes(name) ? ' (replaced)' : ''}`);
  }
  if (result.notTranslated.length > 0) {
    lines.push(`not translated (${result.notTranslated.length}):`);
    for (const note of result.notTranslated) lines.push(`  ${note.key}: ${note.reason}`);
  }
  lines.push('next:', ...result.next.map((line) => `  ${line}`));
  out.write(`${lines.join('\n')}\n`);
  return 0;
}
