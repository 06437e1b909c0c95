import { isAbsolute, relative } from 'node:path';
import type { ProcessSpec, ProjectSpec } from '../config/spec.js';
import {
  appName,
  argvOf,
  dependenciesOf,
  exportHeader,
  foremanVars,
  timeSpan,
  wholeProcess,
} from './common.js';
import { dependsOnOf, dockerSize, healthcheckOf, restartOf } from './compose-service.js';
import { DOTENV_FORMAT, envFiles } from './env.js';
import { noteEngineOnly, noteProject, noteRestart } from './losses.js';
import { Notes } from './notes.js';
import type { ExportFile, ExportOptions, ExportResult } from './types.js';
import { yamlText } from './yaml-text.js';

const TARGET = 'docker compose';
export const DEFAULT_COMPOSE_IMAGE = 'node:20-bookworm-slim';
/** Where the project is mounted in every container; the README's Dockerfile for Kubernetes uses it too. */
export const CONTAINER_ROOT = '/app';

/** A path of the project inside the container (`null` when it is outside the project). */
export function containerPath(spec: ProjectSpec, path: string): string | null {
  const inside = relative(spec.dir, path);
  if (inside.startsWith('..') || isAbsolute(inside)) return null;
  return inside === '' ? CONTAINER_ROOT : `${CONTAINER_ROOT}/${inside}`;
}

/** Compose interpolates `$VAR` in every value of the file: `$$` is a literal `$`. */
function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeDollars(item)]));
  }
  return value;
}

/** The project, mounted where the compose file can name it: relative when the file is inside it. */
function mountSource(spec: ProjectSpec, outDir: string): string {
  const outInProject = relative(spec.dir, outDir);
  if (outInProject.startsWith('..') || isAbsolute(outInProject)) return spec.dir;
  const back = relative(outDir, spec.dir);
  return back === '' ? '.' : back;
}

interface Context {
  spec: ProjectSpec;
  options: ExportOptions;
  notes: Notes;
  app: string;
  envFiles: Map<string, string[]>;
  inline: Map<string, Record<string, string>>;
  checks: Set<string>;
}

function service(
  ctx: Context,
  process: ProcessSpec,
  deps: ProcessSpec['dependsOn'],
  check: unknown,
): Record<string, unknown> {
  const { notes, spec } = ctx;
  const { name } = process;
  // Every replica is a container of its own, on its own network: each listens on PORT itself.
  const vars = foremanVars(wholeProcess(process), true);
  const workdir = containerPath(spec, process.cwd);
  if (workdir === null)
    notes.process(name, 'cwd', `outside the project, which is what is mounted at ${CONTAINER_ROOT}`);
  const environment = { ...ctx.inline.get(name), ...vars };
  const envFiles = ctx.envFiles.get(name) ?? [];
  const dependsOn = dependsOnOf(process, deps, (dep) => ctx.checks.has(dep), notes);
  const limits = {
    ...(process.limits.memory === null ? {} : { memory: dockerSize(process.limits.memory) }),
    ...(process.limits.cpu === null ? {} : { cpus: String(process.limits.cpu / 100) }),
  };
  const user = process.user !== null ? `${process.user.uid}:${process.user.gid}` : ctx.options.user;
  const labels = {
    ...(process.group === null ? {} : { 'ovrseer.group': process.group }),
    ...(process.tags.length === 0 ? {} : { 'ovrseer.tags': process.tags.join(',') }),
  };
  const profiles = process.type === 'cleanup' ? ['cleanup'] : process.disabled ? ['disabled'] : [];
  return {
    image: ctx.options.image ?? DEFAULT_COMPOSE_IMAGE,
    // An init as PID 1 forwards the stop signal and reaps orphans: nothing is left behind.
    init: true,
    command: argvOf(process.command, vars),
    working_dir: workdir ?? CONTAINER_ROOT,
    volumes: [`${mountSource(spec, ctx.options.outDir)}:${CONTAINER_ROOT}`],
    ...(envFiles.length > 0 ? { env_file: envFiles } : {}),
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    ...(Object.keys(dependsOn).length > 0 ? { depends_on: dependsOn } : {}),
    ...(check === null ? {} : { healthcheck: check }),
    restart: restartOf(process, notes),
    ...(process.replicas > 1 || Object.keys(limits).length > 0
      ? {
          deploy: {
            ...(process.replicas > 1 ? { replicas: process.replicas } : {}),
            ...(Object.keys(limits).length > 0 ? { resources: { limits } } : {}),
          },
        }
      : {}),
    ...(process.port === null
      ? {}
      : { ports: [process.replicas > 1 ? String(process.port) : `${process.port}:${process.port}`] }),
    stop_signal: process.stop.signal,
    stop_grace_period: timeSpan(process.stop.timeout),
    ...(user === undefined ? {} : { user }),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(process.log.file
      ? {
          logging: {
            driver: 'json-file',
            options: {
              'max-size': dockerSize(process.log.maxSize),
              'max-file': String(process.log.keep + 1),
            },
          },
        }
      : {}),
    ...(profiles.length > 0 ? { profiles } : {}),
  };
}

function noteLosses(process: ProcessSpec, notes: Notes): void {
  const { name } = process;
  if (process.type === 'cleanup') {
    notes.process(name, 'type', `compose has no shutdown hook: after down, docker compose run --rm ${name}`);
  }
  if (process.replicas > 1 && process.port !== null) {
    notes.process(
      name,
      'port',
      'replicas all listen on PORT in their own containers; docker publishes each on a random host port',
    );
  }
  if (process.stop.command !== null) notes.process(name, 'stop.command', 'docker only sends stop_signal');
  if (process.limits.cpu !== null)
    notes.process(name, 'limits.cpu_action', 'cpus: throttles the container instead');
  if (process.priority !== 0) notes.process(name, 'priority', 'compose orders stops by depends_on only');
  noteEngineOnly(notes, process, TARGET);
  noteRestart(notes, process, {
    delay: 'docker restarts with its own delay (from 100ms, doubling)',
    backoff: 'docker restarts with its own delay (from 100ms, doubling)',
    max_delay: 'docker restarts with its own delay (from 100ms, doubling)',
    min_uptime: 'docker has no minimum uptime',
    reset_after: 'docker never gives back its on-failure retry count (only a manual start does)',
    crash_loop: 'docker has no crash-loop breaker',
  });
}

/** `compose.yaml`: a service per process, running in `--image` with the project mounted at /app. */
export function exportCompose(spec: ProjectSpec, options: ExportOptions): ExportResult {
  const app = appName(spec, options.app).toLowerCase();
  const notes = new Notes();
  noteProject(notes, spec, TARGET);
  const env = envFiles(spec.processes, app, DOTENV_FORMAT);
  const files: ExportFile[] = [...env.files];
  const checks = new Map(spec.processes.map((p) => [p.name, healthcheckOf(p, notes)]));
  const ctx: Context = {
    spec,
    options,
    notes,
    app,
    envFiles: env.refs,
    inline: env.inline,
    checks: new Set([...checks].filter(([, check]) => check !== null).map(([name]) => name)),
  };
  const deps = dependenciesOf(spec);
  const services: Record<string, unknown> = {};
  for (const process of spec.processes) {
    noteLosses(process, notes);
    services[process.name] = service(
      ctx,
      process,
      deps.get(process.name) ?? [],
      checks.get(process.name) ?? null,
    );
  }
  const comment = ` ${exportHeader(spec)}\n Run it: docker compose -f ${options.outDir}/compose.yaml up -d`;
  files.unshift({
    name: 'compose.yaml',
    content: yamlText(escapeDollars({ name: app, services }), comment),
    mode: 0o644,
  });
  return {
    format: 'compose',
    files,
    notTranslated: notes.ordered(spec.processes),
    next: [
      `docker compose -f ${options.outDir}/compose.yaml up -d`,
      'containers reach each other by service name (db:5432), not 127.0.0.1, and must listen on 0.0.0.0 to publish a port',
    ],
  };
}
