import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { errorMessage, OvrseerError } from '../errors.js';
import { CONFIG_FILE_NAMES, MAX_CONFIG_BYTES, PROCFILE_NAME } from './defaults.js';
import { resolveEnvName } from './env.js';
import { type Formation, parseFormation } from './formation.js';
import { detectKind } from './import/detect.js';
import { readForemanDefaults } from './import/foreman-defaults.js';
import { type ConfigKind, kindOf, noConfigHint } from './import/formats.js';
import { importProject } from './load-import.js';
import { parseProjectText, tooBigMessage } from './load-yaml.js';
import type { ProjectSpec } from './spec.js';
import { parseYaml, type SourceDoc, toPlain } from './yaml-source.js';

export { type ParseOptions, parseProjectText } from './load-yaml.js';

export interface LoadOptions {
  /** `-f FILE`; otherwise discovered in `cwd`. Its name and content say its format (see `detectKind`). */
  file?: string;
  cwd?: string;
  /** `--env NAME` (default: `OVRSEER_ENV`): `.env`, `.env.NAME`, `.env.local`, `.env.NAME.local`, `environments.NAME`. */
  envName?: string;
  /** The shell environment: `${VAR}` values, and it wins over env files (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** `-p`: base port of a Procfile (foreman: +100 per process, +1 per instance). */
  port?: number;
  /** `-m web=2,worker=1`: instances per process (`all=N`, `=0` disables). */
  formation?: string | Formation;
  /** `-e a.env,b.env`: env files loaded after all others (relative to `cwd`; each must exist). */
  envFiles?: readonly string[];
  /** `--profile NAME`: compose services of these profiles run too (else `COMPOSE_PROFILES`). */
  profiles?: readonly string[];
}

export interface DiscoveredConfig {
  file: string;
  kind: ConfigKind;
}

/** `ovrseer.yml`, else `ovrseer.yaml`, else a `Procfile`, in `cwd`. */
export function discoverConfig(cwd: string): DiscoveredConfig {
  for (const name of [...CONFIG_FILE_NAMES, PROCFILE_NAME]) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return { file, kind: kindOf(file) };
  }
  const looked = [...CONFIG_FILE_NAMES, PROCFILE_NAME].join(', ');
  throw new OvrseerError(
    'OVRSEER_CONFIG_NOT_FOUND',
    `no config found in ${cwd} (looked for ${looked}); run \`ovrseer init\` to create one, or pass -f FILE${noConfigHint(cwd)}`,
  );
}

/**
 * Finds, reads and normalizes a project: an `ovrseer.yml` (any accepted form), or through an importer a
 * Procfile, package.json, docker compose file, pm2 ecosystem file or process-compose file.
 */
export function loadProject(options: LoadOptions = {}): ProjectSpec {
  const cwd = resolve(options.cwd ?? process.cwd());
  const foreman = readForemanDefaults(cwd);
  const ownConfig = CONFIG_FILE_NAMES.some((name) => existsSync(resolve(cwd, name)));
  // foreman's `.foreman` names the Procfile to run when none is given; ovrseer's own config comes first.
  const file = options.file ?? (ownConfig ? undefined : foreman?.procfile);
  let found: DiscoveredConfig;
  if (file === undefined) found = discoverConfig(cwd);
  else {
    const path = resolve(cwd, file);
    if (!existsSync(path))
      throw new OvrseerError('OVRSEER_CONFIG_NOT_FOUND', `config file not found: ${file}`);
    found = { file: path, kind: 'yaml' };
  }
  let text: string;
  try {
    // Checked before reading: `-f /dev/zero` would never finish, a huge file would be read whole.
    const stats = statSync(found.file);
    if (!stats.isFile())
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `${found.file} is not a regular file (a directory, device or pipe)`,
      );
    if (stats.size > MAX_CONFIG_BYTES)
      throw new OvrseerError('OVRSEER_CONFIG_INVALID', tooBigMessage(found.file, stats.size));
    text = readFileSync(found.file, 'utf8');
  } catch (error) {
    if (error instanceof OvrseerError) throw error;
    throw new OvrseerError('OVRSEER_CONFIG_NOT_FOUND', `cannot read ${found.file}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  // Errors name the file as the user would: relative to where they ran the command, when below it.
  const shown = relative(cwd, found.file);
  const display = file ?? (shown.startsWith('..') || isAbsolute(shown) ? found.file : shown);
  const parsed = parsedAlike(found.file, text, display);
  found = { ...found, kind: detectKind(found.file, text, display, parsed ?? undefined) };
  const dir = dirname(found.file);
  // The rest of `.foreman` applies to a Procfile run only, under what the command line says.
  const defaults = found.kind === 'procfile' ? (foreman ?? {}) : {};
  const port = options.port ?? defaults.port;
  const envFiles = options.envFiles ?? defaults.envFiles;
  const formationText = options.formation ?? defaults.formation;
  const formation = typeof formationText === 'string' ? parseFormation(formationText) : formationText;
  if (found.kind !== 'compose' && options.profiles !== undefined) {
    // An ovrseer.yml (also one init wrote from compose) has no profiles: its profiled services are disabled.
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `--profile selects docker compose profiles; ${display} has none: start a disabled process by its name (ovrseer up NAME)`,
    );
  }
  if (found.kind !== 'procfile' && options.port !== undefined) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `-p/--port sets the base port of a Procfile; in ${display}, give each process its port:`,
    );
  }
  const common = {
    cwd,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.envName === undefined ? {} : { envName: options.envName }),
    ...(envFiles === undefined ? {} : { envFiles }),
    ...(formation === undefined ? {} : { formation }),
  };
  const spec =
    found.kind === 'yaml'
      ? parseProjectText(text, { file: display, dir, ...common }, parsed?.src)
      : importProject({
          format: found.kind,
          text,
          file: display,
          path: found.file,
          dir,
          mode: 'run',
          shell: options.env ?? process.env,
          envName: resolveEnvName(options.envName, options.env ?? process.env),
          ...(port === undefined ? {} : { port }),
          ...(defaults.stopTimeout === undefined ? {} : { stopTimeout: defaults.stopTimeout }),
          ...(envFiles === undefined ? {} : { envFiles }),
          ...(options.profiles === undefined ? {} : { profiles: options.profiles }),
          ...(formation === undefined ? {} : { formation }),
          cwd,
        });
  return { ...spec, file: found.file };
}

/**
 * The YAML parsed once, with positions, for both telling its format and loading it — when that
 * parse reads the text exactly as the format check's own `yaml.parse` would (a third of `validate`'s
 * time went to parsing the file twice). Not then: a JSON file; `${…}`, which the positions parse masks;
 * `<<`, which only it merges. Null also when the text has a mistake: the usual path reports it, in the
 * usual order and words.
 */
function parsedAlike(file: string, text: string, display: string): { data: unknown; src: SourceDoc } | null {
  if (file.endsWith('.json') || /\.(c|m)?js$/.test(file) || text.includes('${') || text.includes('<<'))
    return null;
  try {
    const src = parseYaml(text, display);
    return { data: toPlain(src), src };
  } catch {
    // Not swallowed: the usual path parses the text again, meets the same mistake and reports it.
    return null;
  }
}
