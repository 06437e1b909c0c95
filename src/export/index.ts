import { resolve } from 'node:path';
import type { ProjectSpec } from '../config/spec.js';
import { OvrseerError } from '../errors.js';
import { exportCompose } from './compose.js';
import { exportKubernetes } from './kubernetes.js';
import { exportSupervisord } from './supervisord.js';
import { exportSystemd } from './systemd.js';
import { EXPORT_FORMATS, type ExportFormat, type ExportOptions, type ExportResult } from './types.js';

export {
  EXPORT_FORMATS,
  type ExportFile,
  type ExportFormat,
  type ExportOptions,
  type ExportResult,
} from './types.js';
export { type WriteOptions, type WriteResult, writeExport } from './write.js';

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * The files that hand a project over to another engine, and what did not translate. Nothing is
 * written: `writeExport` does that, all or nothing.
 */
export async function exportProject(
  spec: ProjectSpec,
  format: string,
  options: ExportOptions,
): Promise<ExportResult> {
  if (!isExportFormat(format)) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `unknown export format ${JSON.stringify(format)}: expected one of ${EXPORT_FORMATS.join(', ')}`,
    );
  }
  // Files that name each other (EnvironmentFile=, the compose mount) need the final, absolute place.
  const resolved = { ...options, outDir: resolve(options.outDir) };
  const result = await {
    systemd: async () => exportSystemd(spec, resolved),
    supervisord: async () => exportSupervisord(spec, resolved),
    compose: async () => exportCompose(spec, resolved),
    kubernetes: () => exportKubernetes(spec, resolved),
  }[format]();
  const seen = new Set<string>();
  for (const file of result.files) {
    if (seen.has(file.name)) {
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `two files would be named ${file.name} (a process name clashes with a replica's or another file's): rename one process or choose another --app`,
      );
    }
    seen.add(file.name);
  }
  return result;
}
