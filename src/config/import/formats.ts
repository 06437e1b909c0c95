import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EnvDialect } from '../env.js';
import type { ImportFormat } from './types.js';

export type ConfigKind = 'yaml' | ImportFormat;

const PATTERNS: ReadonlyArray<readonly [ImportFormat, RegExp]> = [
  ['procfile', /^Procfile/],
  ['package-json', /^package\.json$/],
  ['process-compose', /^process-compose(\..+)?\.ya?ml$/],
  ['compose', /^(docker-)?compose(\..+)?\.ya?ml$/],
  ['pm2', /^ecosystem(\..+)?\.(config\.)?(js|cjs|mjs|json)$/],
];

/** The format of a config file, from its name (`-f process-compose.yaml`, `-f Procfile.dev`, …). */
export function kindOf(file: string): ConfigKind {
  const name = basename(file);
  return PATTERNS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'yaml';
}

export interface FormatInfo {
  /** What `init --from` accepts for it. */
  flag: string;
  label: string;
  /**
   * Env files the original tool reads beside the file: foreman's `.env` (replaced by `-e`), compose's
   * `.env` (for `${VAR}` in the file only), process-compose's `.env`. `dialect`: the rules the tool
   * reads them by (also the `--env` cascade and `-e` files of a run from this format).
   */
  envFiles: { names: string[]; replacedByEnvFlag: boolean; interpolationOnly: boolean; dialect: EnvDialect };
}

export const FORMATS: Readonly<Record<ImportFormat, FormatInfo>> = {
  procfile: {
    flag: 'procfile',
    label: 'Procfile',
    envFiles: { names: ['.env'], replacedByEnvFlag: true, interpolationOnly: false, dialect: 'foreman' },
  },
  'package-json': {
    flag: 'package.json',
    label: 'package.json scripts',
    envFiles: { names: [], replacedByEnvFlag: false, interpolationOnly: false, dialect: 'ovrseer' },
  },
  compose: {
    flag: 'compose',
    label: 'docker compose file',
    envFiles: { names: ['.env'], replacedByEnvFlag: false, interpolationOnly: true, dialect: 'compose' },
  },
  pm2: {
    flag: 'pm2',
    label: 'pm2 ecosystem file',
    envFiles: { names: [], replacedByEnvFlag: false, interpolationOnly: false, dialect: 'ovrseer' },
  },
  'process-compose': {
    flag: 'process-compose',
    label: 'process-compose file',
    envFiles: { names: ['.env'], replacedByEnvFlag: false, interpolationOnly: false, dialect: 'godotenv' },
  },
};

/** `init --from X`: a format's flag (or its key), else `null`. */
export function formatOfFlag(flag: string): ImportFormat | null {
  const lower = flag.toLowerCase();
  for (const [format, info] of Object.entries(FORMATS) as Array<[ImportFormat, FormatInfo]>) {
    if (lower === info.flag || lower === format) return format;
  }
  const aliases: Record<string, ImportFormat> = {
    'docker-compose': 'compose',
    npm: 'package-json',
    packagejson: 'package-json',
    ecosystem: 'pm2',
  };
  return aliases[lower] ?? null;
}

/** The names `init` looks for, in order, for each format (a `Procfile` before a `Procfile.dev`). */
const CANDIDATES: ReadonlyArray<readonly [ImportFormat, readonly string[]]> = [
  ['procfile', ['Procfile']],
  ['package-json', ['package.json']],
  ['compose', ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml']],
  ['pm2', ['ecosystem.config.js', 'ecosystem.config.cjs', 'ecosystem.config.mjs', 'ecosystem.config.json']],
  ['process-compose', ['process-compose.yaml', 'process-compose.yml']],
];

export interface FoundSource {
  format: ImportFormat;
  file: string;
}

/**
 * The sources `ovrseer init` can translate in `dir`, in its order of preference: Procfile*,
 * package.json, compose, pm2, process-compose. Within a format, the standard name comes first.
 */
export function findSources(dir: string): FoundSource[] {
  const found: FoundSource[] = [];
  const entries = readdirSync(dir).sort();
  for (const [format, names] of CANDIDATES) {
    const standard = names.filter((name) => existsSync(join(dir, name)));
    const others = entries.filter((name) => !names.includes(name) && kindOf(name) === format);
    // Other Procfiles (Procfile.dev) are sources in their own right; other compose/pm2 names are not
    // guessed at (docker-compose.override.yml is an overlay, not a project).
    const extra = format === 'procfile' ? others : [];
    for (const name of [...standard, ...extra]) found.push({ format, file: join(dir, name) });
  }
  return found;
}
