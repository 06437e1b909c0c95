import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { applyFormation, parseFormation } from '../../config/formation.js';
import { detectKind } from '../../config/import/detect.js';
import { readForemanDefaults } from '../../config/import/foreman-defaults.js';
import { FORMATS, type FoundSource, findSources, formatOfFlag } from '../../config/import/formats.js';
import { renderOvrseerYaml } from '../../config/import/render-yaml.js';
import type { ImportFormat } from '../../config/import/types.js';
import { type ImportOutcome, runImporter } from '../../config/load-import.js';
import { parseProjectText } from '../../config/load-yaml.js';
import { ConfigError, formatConfigIssue, OvrseerError } from '../../errors.js';

export interface InitOptions {
  /** A format (`procfile`, `package.json`, `compose`, `pm2`, `process-compose`) or a file here. */
  from?: string;
  force?: boolean;
  stdout?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

const FLAGS = Object.values(FORMATS)
  .map((info) => info.flag)
  .join(', ');

function usage(message: string): OvrseerError {
  return new OvrseerError('OVRSEER_USAGE', message);
}

/** `--from`: a format (its first source here) or a file in this directory. */
function chosenSources(from: string | undefined, cwd: string, found: readonly FoundSource[]): FoundSource[] {
  if (from === undefined) return [...found];
  const format = formatOfFlag(from);
  if (format !== null) {
    const sources = found.filter((source) => source.format === format);
    if (sources.length === 0) throw usage(`--from ${from}: no ${FORMATS[format].label} in ${cwd}`);
    return sources.slice(0, 1);
  }
  const file = resolve(cwd, from);
  if (!existsSync(file))
    throw usage(`--from ${from}: expected one of ${FLAGS}, or the name of such a file here`);
  // By name and content, as `up -f` decides: `init --from dev.yml` then `up` runs what `up -f dev.yml` runs.
  const kind = detectKind(file, readFileSync(file, 'utf8'), from);
  if (kind === 'yaml')
    throw usage(`--from ${from}: this is an ovrseer.yml already (${FLAGS} are translated)`);
  if (dirname(file) !== cwd)
    throw usage(`--from ${from}: run ovrseer init in ${dirname(file)}, beside the file`);
  return [{ format: kind, file }];
}

/** A package.json without a script to run is skipped when init chooses by itself; other errors stand. */
function firstImport(
  sources: readonly FoundSource[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  auto: boolean,
  say: (line: string) => void,
): { source: FoundSource; outcome: ImportOutcome } {
  for (const source of sources) {
    try {
      // A Procfile run takes foreman's `.foreman` defaults (as `up -f Procfile` does): write what it would run.
      const foreman = source.format === 'procfile' ? (readForemanDefaults(cwd) ?? {}) : {};
      const outcome = runImporter({
        format: source.format,
        text: readFileSync(source.file, 'utf8'),
        file: basename(source.file),
        path: source.file,
        dir: cwd,
        cwd,
        mode: 'init',
        shell: env,
        ...(foreman.port === undefined ? {} : { port: foreman.port }),
        ...(foreman.envFiles === undefined ? {} : { envFiles: foreman.envFiles }),
        ...(foreman.stopTimeout === undefined ? {} : { stopTimeout: foreman.stopTimeout }),
      });
      if (foreman.formation === undefined) return { source, outcome };
      const processes = applyFormation(outcome.imported.processes, parseFormation(foreman.formation), true);
      return { source, outcome: { ...outcome, imported: { ...outcome.imported, processes } } };
    } catch (error) {
      const skippable =
        auto && source.format === 'package-json' && error instanceof ConfigError && sources.length > 1;
      if (!skippable) throw error;
      say(`skipped package.json: ${error.issues[0]?.message ?? 'nothing to run'}`);
    }
  }
  throw usage(`nothing to import in ${cwd}`);
}

function schemaPath(cwd: string): string | null {
  const local = join('node_modules', 'ovrseer', 'schema.json');
  return existsSync(join(cwd, local)) ? `./${local}` : null;
}

/**
 * `ovrseer init`: finds a Procfile, package.json scripts, a docker compose file, a pm2 ecosystem file or
 * a process-compose file here (in that order), and writes the same project as a commented ovrseer.yml,
 * saying what it could not translate, key by key.
 */
export function runInit(options: InitOptions): number {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const out = options.out ?? process.stdout;
  // With --stdout the file goes to stdout, so the report goes to stderr.
  const report = options.stdout ? (options.err ?? process.stderr) : out;
  const say = (line: string) => report.write(`${line}\n`);
  const target = join(cwd, 'ovrseer.yml');
  const existing = ['ovrseer.yml', 'ovrseer.yaml'].find((name) => existsSync(join(cwd, name)));
  if (!options.stdout && !options.force && existing !== undefined) {
    throw usage(`${existing} already exists: use --force to overwrite it, or --stdout to print the result`);
  }
  const found = findSources(cwd);
  // `--from FILE` names a file that need not have a standard name (its content decides).
  if (found.length === 0 && options.from === undefined) {
    throw new OvrseerError(
      'OVRSEER_CONFIG_NOT_FOUND',
      `nothing to import in ${cwd}: no Procfile, package.json, compose.yaml/docker-compose.yml, ecosystem.config.js or process-compose.yaml`,
    );
  }
  if (found.length > 0) say(`found: ${found.map((source) => basename(source.file)).join(', ')}`);
  const { source, outcome } = firstImport(
    chosenSources(options.from, cwd, found),
    cwd,
    env,
    options.from === undefined,
    say,
  );
  const { imported } = outcome;
  const name = basename(source.file);
  const others = found.filter((other) => other.format !== source.format);
  const hint =
    others.length > 0 && options.from === undefined
      ? ` (--from ${FORMATS[others[0]?.format as ImportFormat].flag} for another)`
      : '';
  say(
    `using ${name}${hint}: ${imported.processes.length} processes (${imported.processes.map((p) => p.name).join(', ')})`,
  );
  const text = renderOvrseerYaml(imported, {
    source: name,
    envFiles: outcome.defaultEnvFiles,
    envDialect: FORMATS[source.format].envFiles.dialect,
    envInterpolationOnly: FORMATS[source.format].envFiles.interpolationOnly,
    schema: schemaPath(cwd),
  });
  if (imported.notTranslated.length > 0) {
    say('not translated:');
    for (const note of imported.notTranslated) say(`  ${note.key}: ${note.reason}`);
  }
  checkWritten(text, cwd, env, say);
  if (options.stdout) {
    out.write(text);
    return 0;
  }
  writeFileSync(target, text);
  say(`wrote ovrseer.yml: check it with \`ovrseer validate\`, run it with \`ovrseer up\``);
  return 0;
}

/** The file must load as written; when it does not yet (a variable not set here), say so. */
function checkWritten(text: string, cwd: string, env: NodeJS.ProcessEnv, say: (line: string) => void): void {
  try {
    parseProjectText(text, { file: 'ovrseer.yml', dir: cwd, env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    say('note: the result does not load here as it is:');
    for (const issue of error.issues) say(`  ${formatConfigIssue(issue)}`);
  }
}
