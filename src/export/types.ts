import type { NotTranslated } from '../config/import/types.js';

export type { NotTranslated } from '../config/import/types.js';

export const EXPORT_FORMATS = ['systemd', 'supervisord', 'compose', 'kubernetes'] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /**
   * Absolute directory the files will live in. Generated files that point at each other (systemd's
   * `EnvironmentFile=`, compose's bind mount of the project) are written relative to it or with it.
   */
  outDir: string;
  /** Prefix of every name (units, programs, objects); default: the project's name. */
  app?: string;
  /** systemd and supervisord: run every process as this user (a process's own `user` wins). */
  user?: string;
  /** compose and kubernetes: the image the processes run in. */
  image?: string;
  /** supervisord: where the programs' log files go (default `/var/log/supervisor`). */
  logDir?: string;
  /** Resolves bare program names of argv commands for systemd and supervisord (default `$PATH`). */
  path?: string;
}

export interface ExportFile {
  /** Relative to the output directory; never in a subdirectory. */
  name: string;
  content: string;
  /** File mode; env files holding secrets are 0600. */
  mode: number;
}

export interface ExportResult {
  format: ExportFormat;
  files: ExportFile[];
  /** What the target cannot express, key by key (`processes.api.watch`), with the reason. */
  notTranslated: NotTranslated[];
  /** What to do next (install, start), shown after the list of files. */
  next: string[];
}
