import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, errorMessage } from '../../errors.js';
import type { ProcessInput } from '../input.js';
import { isRecord, readYamlSource, shellQuote, Untranslated } from './source.js';
import type { ImportContext, Imported } from './types.js';
import { workspaceDirs, workspacePatterns } from './workspaces.js';

type Scripts = Record<string, unknown>;

interface Pick {
  script: string;
  /** The process name it suggests: `dev:api` → `api`. */
  name: string;
}

const suffix = (script: string) => script.slice(script.indexOf(':') + 1);
const withPrefix = (scripts: Scripts, prefix: string) =>
  Object.keys(scripts).filter((key) => key.startsWith(`${prefix}:`) && suffix(key) !== '');

/**
 * Which scripts make a development setup: `dev:*` (each its own process), else `dev`, else `start:*`,
 * else `start`, else `serve` — one of those, as they usually start the same app — plus `worker` and
 * `worker:*`. The candidates left out are returned with the reason.
 */
export function pickScripts(scripts: Scripts, main = true): { picked: Pick[]; skipped: Pick[] } {
  const has = (key: string) => typeof scripts[key] === 'string';
  const groups: string[][] = [
    withPrefix(scripts, 'dev'),
    has('dev') ? ['dev'] : [],
    withPrefix(scripts, 'start'),
    has('start') ? ['start'] : [],
    has('serve') ? ['serve'] : [],
  ];
  const chosen = main ? (groups.find((group) => group.length > 0) ?? []) : [];
  const skipped = groups.flat().filter((key) => !chosen.includes(key));
  const workers = [...(has('worker') ? ['worker'] : []), ...withPrefix(scripts, 'worker')];
  const toPick = (script: string): Pick => ({ script, name: script.includes(':') ? suffix(script) : script });
  return { picked: [...chosen, ...workers].map(toPick), skipped: skipped.map(toPick) };
}

function packageManager(pkg: Record<string, unknown>, dir: string): string {
  const declared = typeof pkg.packageManager === 'string' ? pkg.packageManager.split('@')[0] : undefined;
  if (declared === 'pnpm' || declared === 'yarn' || declared === 'bun' || declared === 'npm') return declared;
  if (existsSync(join(dir, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(join(dir, 'yarn.lock'))) return 'yarn';
  if (existsSync(join(dir, 'bun.lockb')) || existsSync(join(dir, 'bun.lock'))) return 'bun';
  return 'npm';
}

function sanitize(name: string): string {
  return (
    name
      .replace(/^@/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'app'
  );
}

function readWorkspacePackage(dir: string, rel: string): Record<string, unknown> {
  const file = join(dir, rel, 'package.json');
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isRecord(parsed) ? parsed : {};
  } catch (error) {
    const message = `cannot read this workspace's package.json: ${errorMessage(error)}`;
    throw new ConfigError([{ file: join(rel, 'package.json'), line: null, column: null, path: '', message }]);
  }
}

/**
 * package.json scripts as processes (`npm run dev`, or pnpm/yarn/bun as the project uses), and those of
 * its npm/yarn/pnpm workspaces, each run in its package's directory.
 */
export function importPackageJson(text: string, context: ImportContext): Imported {
  const { at, data } = readYamlSource(text, context, { interpolate: false });
  if (!isRecord(data)) throw new ConfigError([at([], 'expected a JSON object')]);
  const scripts = isRecord(data.scripts) ? data.scripts : {};
  const runner = packageManager(data, context.dir);
  const notes = new Untranslated();
  const processes: ProcessInput[] = [];
  const origins: Record<string, string> = {};
  const taken = new Set<string>();
  const add = (
    pick: Pick,
    fallback: string,
    cwd: string | undefined,
    origin: string,
    namePath: (string | number)[],
  ) => {
    let name = sanitize(pick.name);
    if (taken.has(name)) name = sanitize(fallback);
    for (let n = 2; taken.has(name); n++) name = `${sanitize(fallback)}-${n}`;
    taken.add(name);
    // npm runs a workspace's script from the root with -w, as `npm run dev --workspaces` does: the
    // script still runs in the package's directory, and INIT_CWD is the root, as npm sets it.
    const viaRoot = runner === 'npm' && cwd !== undefined;
    const workspace = viaRoot ? ` -w ${shellQuote(cwd)}` : '';
    processes.push({
      name,
      namePath,
      nameIsKey: true,
      command: { kind: 'shell', script: `${runner} run ${shellQuote(pick.script)}${workspace}` },
      ...(cwd === undefined || viaRoot ? {} : { cwd }),
    });
    origins[name] = origin;
  };

  for (const rel of workspaceDirs(context.dir, workspacePatterns(data, context.dir))) {
    const pkg = readWorkspacePackage(context.dir, rel);
    const own = isRecord(pkg.scripts) ? pkg.scripts : {};
    // One app per workspace package: its dev, else start, else serve (and its workers).
    const { picked, skipped } = pickScripts({
      dev: own.dev,
      start: own.start,
      serve: own.serve,
      worker: own.worker,
    });
    const base = sanitize(typeof pkg.name === 'string' ? (pkg.name.split('/').pop() ?? rel) : basename(rel));
    const full = sanitize(typeof pkg.name === 'string' ? pkg.name : rel);
    for (const pick of picked) {
      const named = pick.script === 'worker' ? { ...pick, name: `${base}-worker` } : { ...pick, name: base };
      add(
        named,
        pick.script === 'worker' ? `${full}-worker` : full,
        rel,
        `${rel}/package.json script "${pick.script}"`,
        ['workspaces'],
      );
    }
    for (const skip of skipped)
      notes.addKey(
        `${rel}/package.json scripts.${skip.script}`,
        `${picked[0]?.script ?? 'another script'} is run instead`,
      );
  }
  const fromWorkspaces = processes.length > 0;
  const { picked, skipped } = pickScripts(scripts, !fromWorkspaces);
  for (const pick of picked)
    add(pick, pick.script.replace(':', '-'), undefined, `package.json script "${pick.script}"`, [
      'scripts',
      pick.script,
    ]);
  const instead = fromWorkspaces
    ? "the workspaces' own scripts run instead"
    : `${picked[0]?.script ?? ''} is run instead`;
  for (const skip of skipped) notes.add(['scripts', skip.script], instead);
  if (processes.length === 0) {
    const message = 'no dev, start, serve or worker script here or in the workspaces: nothing to run';
    throw new ConfigError([at(isRecord(data.scripts) ? ['scripts'] : [], message, { key: true })]);
  }
  return {
    format: 'package-json',
    processes,
    processesPath: ['scripts'],
    environments: {},
    notTranslated: notes.items,
    origins,
    at,
  };
}
