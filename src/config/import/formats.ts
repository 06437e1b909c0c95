import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EnvDialect } from '../env.js';
import type { ImportFormat } from './types.js';

export type ConfigKind = 'yaml' | ImportFormat;

/** What a name alone says, or null for a neutral name (`dev.yml`: its content decides, see detect.ts). */
export function kindOfName(file: string): ConfigKind | null {
  const name = basename(file);
  if (/^ovrseer\.ya?ml$/.test(name)) return 'yaml';
  if (/^Procfile(\..+)?$/.test(name)) return 'procfile';
  if (name === 'package.json') return 'package-json';
  if (/^process-compose(\..+)?\.ya?ml$/.test(name)) return 'process-compose';
  if (/^(docker-)?compose(\..+)?\.ya?ml$/.test(name)) return 'compose';
  // pm2's own rule (lib/Common.js, isConfigFile) takes `.config.js/.cjs/.mjs`; ecosystem and process
  // files are pm2's in every extension pm2 reads.
  if (/\.config\.(c|m)?js$/.test(name)) return 'pm2';
  if (/^(ecosystem|process)(\..+)?\.(json|json5|ya?ml|(c|m)?js)$/.test(name)) return 'pm2';
  return null;
}

/** The format of a config file from its name alone (`init --from FILE`); neutral names are `yaml`. */
export function kindOf(file: string): ConfigKind {
  return kindOfName(file) ?? 'yaml';
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
  [
    'pm2',
    [
      'ecosystem.config.js',
      'ecosystem.config.cjs',
      'ecosystem.config.mjs',
      'ecosystem.config.json',
      'ecosystem.json',
      'ecosystem.yml',
      'ecosystem.yaml',
      'process.json',
    ],
  ],
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

/**
 * What to say when a folder has no ovrseer.yml/Procfile: the foreign files found there and the exact
 * commands that run or translate each. ovrseer never picks one of them by itself: which one is the
 * project is the user's call (a package.json beside a compose file is often both).
 */
export function noConfigHint(dir: string): string {
  let found: FoundSource[];
  try {
    found = findSources(dir).filter((source) => basename(source.file) !== 'Procfile');
  } catch {
    // An unreadable folder: the message without the list is still right.
    return '';
  }
  if (found.length === 0) return '';
  const firstOf = new Set<ImportFormat>();
  const lines = found.map(({ format, file }) => {
    const name = basename(file);
    const from = firstOf.has(format) || format === 'procfile' ? name : FORMATS[format].flag;
    firstOf.add(format);
    return `  ${name} (${FORMATS[format].label}): \`ovrseer up -f ${name}\` runs it as it is, \`ovrseer init --from ${from}\` writes an ovrseer.yml from it`;
  });
  return `\nfound here, not used without -f:\n${lines.join('\n')}`;
}
