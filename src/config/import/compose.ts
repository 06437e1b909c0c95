import { basename } from 'node:path';
import { ConfigError, type ConfigIssue } from '../../errors.js';
import type { CommandInput, Locator, ProcessInput } from '../input.js';
import { interpolateComposeDocument } from '../interpolate-compose.js';
import { signalSchema } from '../schema-common.js';
import { issueAt, type Path, parseYaml, toPlain } from '../yaml-source.js';
import { composeCommand } from './compose-command.js';
import { activeProfiles, composeDependsOn, isEnabled } from './compose-deps.js';
import {
  deployNotes,
  FALLBACK,
  SERVICE_HANDLED,
  SERVICE_REASONS,
  TOP_HANDLED,
  TOP_REASONS,
} from './compose-keys.js';
import { type ComposeService, composeSchemas } from './compose-schema.js';
import { composeEnv, composeHealth, composeRestart, firstPort, parsePort } from './compose-service.js';
import { unknownComposeKeys } from './compose-spec-keys.js';
import { isRecord, parseSource, shellQuote, Untranslated } from './source.js';
import type { ImportContext, Imported, ProcessFields } from './types.js';

/** In `init` mode these keep their `${VAR}`: ovrseer expands env values, the shell expands commands. */
function keepVerbatim(path: Path): boolean {
  if (path[0] !== 'services' || path.length < 3) return false;
  const field = path[2];
  if (field === 'environment') return true;
  return path.length === 3 && (field === 'command' || field === 'entrypoint' || field === 'image');
}

function signal(value: string | undefined, path: Path, notes: Untranslated): NodeJS.Signals | undefined {
  if (value === undefined) return undefined;
  const parsed = signalSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  notes.add(path, `unknown signal ${JSON.stringify(value)}`);
  return undefined;
}

/** A bind mount relative to the compose file becomes one relative to the process's cwd ($PWD). */
function volumeFlag(volume: string): string {
  const [source = '', ...rest] = volume.split(':');
  const host = source.startsWith('.') ? `$PWD/${source.replace(/^\.\/?/, '')}` : source;
  return shellQuote([host, ...rest].join(':'));
}

/** An image-only service: `docker run --rm` in the foreground, stopped with `docker stop`. */
function dockerRun(
  s: ComposeService & { image: string },
  path: Path,
  project: string,
  context: ImportContext,
  notes: Untranslated,
): ProcessFields {
  const container = s.container_name ?? `${project}-$PS`;
  const args = ['docker', 'run', '--rm', '--name', shellQuote(container)];
  for (const port of s.ports ?? []) args.push('-p', shellQuote(parsePort(port).spec));
  const env = composeEnv(s, path, context);
  const names = Array.isArray(s.environment)
    ? s.environment.map((entry) => entry.split('=')[0] ?? entry)
    : Object.keys(s.environment ?? {});
  // `-e NAME` without a value: docker takes it from its own environment, which is the process's.
  for (const name of names) args.push('-e', name);
  for (const file of env.files) args.push('--env-file', shellQuote(file));
  (s.volumes ?? []).forEach((volume, i) => {
    if (typeof volume === 'string') args.push('-v', volumeFlag(volume));
    else notes.add([...path, 'volumes', i], 'long volume syntax: add a -v flag to the docker run command');
  });
  if (s.working_dir !== undefined) args.push('-w', shellQuote(s.working_dir));
  if (s.user !== undefined) args.push('--user', shellQuote(s.user));
  if (s.stop_signal !== undefined) args.push('--stop-signal', shellQuote(s.stop_signal));
  const entrypoint = s.entrypoint ?? null;
  const [program, ...programArgs] = typeof entrypoint === 'string' ? [entrypoint] : (entrypoint ?? []);
  if (program !== undefined) args.push('--entrypoint', shellQuote(program));
  args.push(shellQuote(s.image), ...programArgs.map(shellQuote));
  const grace = Math.ceil((s.stop_grace_period ?? 10_000) / 1000);
  if (s.build !== undefined)
    notes.add(
      [...path, 'build'],
      `runs the image ${s.image} as it is: build it first (docker compose build)`,
    );
  return {
    command: { kind: 'shell', script: args.join(' ') },
    env: env.env,
    // docker stop lets the container's own grace period run; ovrseer waits a little longer.
    stop: {
      command: { kind: 'shell', script: `docker stop -t ${grace} ${shellQuote(container)}` },
      timeout: (grace + 5) * 1000,
    },
    port: firstPort(s.ports, true),
    health: composeHealth(s, path, container, notes),
  };
}

function localProcess(
  s: ComposeService,
  command: CommandInput,
  path: Path,
  context: ImportContext,
  notes: Untranslated,
): ProcessFields {
  const container = s.image !== undefined || s.build !== undefined;
  if (s.image !== undefined)
    notes.add(
      [...path, 'image'],
      'the command runs on this machine, not in the image (remove command: to run the image with docker run)',
    );
  if (s.build !== undefined)
    notes.add([...path, 'build'], 'the command runs on this machine: nothing is built');
  if (s.working_dir !== undefined && container)
    notes.add(
      [...path, 'working_dir'],
      "a directory in the container; the command runs in the compose file's directory",
    );
  if (s.user !== undefined) notes.add([...path, 'user'], 'the command runs as your user');
  if (s.container_name !== undefined) notes.add([...path, 'container_name'], 'no container');
  if (s.volumes !== undefined)
    notes.add([...path, 'volumes'], "the command sees this machine's files directly");
  for (let i = 1; i < (s.ports?.length ?? 0); i++) {
    notes.add([...path, 'ports', i], 'only the first port becomes PORT');
  }
  const env = composeEnv(s, path, context);
  return {
    command,
    ...(s.working_dir !== undefined && !container ? { cwd: s.working_dir } : {}),
    env: env.env,
    envFile: env.envFile,
    port: firstPort(s.ports, false),
    health: composeHealth(s, path, null, notes),
    stop: {
      ...(s.stop_signal === undefined
        ? {}
        : { signal: signal(s.stop_signal, [...path, 'stop_signal'], notes) }),
      // compose's default grace period, whatever settings.shutdown_timeout says.
      timeout: s.stop_grace_period ?? 10_000,
    },
  };
}

function replicasOf(s: ComposeService, path: Path, at: Locator, issues: ConfigIssue[]): number | undefined {
  const deployed = s.deploy?.replicas;
  if (deployed !== undefined && s.scale !== undefined && deployed !== s.scale)
    issues.push(
      at([...path, 'scale'], `scale (${s.scale}) and deploy.replicas (${deployed}) differ: give one`),
    );
  return deployed ?? s.scale;
}

/**
 * A docker compose file: services with a `command` run on this machine (without a shell, as compose
 * runs them); image-only services run as `docker run --rm` commands. docs/compat/compose.md has the
 * rules key by key.
 */
export function importCompose(text: string, context: ImportContext): Imported {
  const src = parseYaml(text, context.file);
  const at: Locator = (path, message, opts) => issueAt(src, path, message, opts);
  const select = (path: Path) => context.mode !== 'init' || !keepVerbatim(path);
  const interpolated = interpolateComposeDocument(src, context.vars, select);
  if (interpolated.issues.length > 0) throw new ConfigError(interpolated.issues);
  const data = toPlain(src);
  // Before the schema: a misspelt `comand:` would otherwise read as "neither command: nor image:".
  const unknown = unknownComposeKeys(data, at);
  if (unknown.length > 0) throw new ConfigError(unknown);
  const project = parseSource(composeSchemas().composeProjectSchema, data, at);
  const notes = new Untranslated();
  notes.rest(data, [], TOP_HANDLED, TOP_REASONS, FALLBACK);
  const projectName = (project.name ?? basename(context.dir)).toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [...interpolated.warnings];
  const active = activeProfiles(context);
  const scope = { services: project.services, active, at, notes, issues, warnings };
  const processes: ProcessInput[] = [];
  const origins: Record<string, string> = {};
  const rawServices = isRecord(data) && isRecord(data.services) ? data.services : {};
  for (const [name, s] of Object.entries(project.services)) {
    const path = ['services', name];
    notes.rest(rawServices[name], path, SERVICE_HANDLED, SERVICE_REASONS, FALLBACK);
    deployNotes(isRecord(rawServices[name]) ? rawServices[name].deploy : undefined, path, notes);
    const { command, error } = composeCommand(s, path, context.mode);
    if (error !== undefined) {
      issues.push(at(error.path, error.message));
      continue;
    }
    const image = s.image;
    let fields: ProcessFields;
    if (command !== null) fields = localProcess(s, command, path, context, notes);
    else if (image !== undefined) fields = dockerRun({ ...s, image }, path, projectName, context, notes);
    else {
      issues.push(
        at(
          path,
          `service '${name}' has neither command: nor image: (ovrseer runs a command, or an image with docker run)`,
          { key: true },
        ),
      );
      continue;
    }
    const replicas = replicasOf(s, path, at, issues);
    const limits = s.deploy?.resources?.limits;
    processes.push({
      name,
      namePath: path,
      nameIsKey: true,
      ...fields,
      dependsOn: composeDependsOn(name, s, path, scope),
      restart: composeRestart(s, path, notes),
      ...(replicas === undefined ? {} : replicas === 0 ? { disabled: true } : { replicas }),
      ...(limits === undefined
        ? {}
        : {
            limits: { memory: limits.memory, cpu: limits.cpus === undefined ? undefined : limits.cpus * 100 },
          }),
      // Not started by `up`, only by name (`up NAME`), as compose runs a profiled service it is given.
      ...(isEnabled(s, active) ? {} : { disabled: true }),
    });
    origins[name] =
      command !== null ? `compose service '${name}' (command)` : `compose service '${name}' (image ${image})`;
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    format: 'compose',
    name: project.name,
    processes,
    processesPath: ['services'],
    environments: {},
    notTranslated: notes.items,
    origins,
    at,
    ...(warnings.length === 0 ? {} : { warnings }),
    // compose's `up` ends with an error when a service's dependency failed to start or became unhealthy
    // ("dependency failed to start", docker/compose#10101).
    exit: {
      stopOn: Object.fromEntries(
        processes.filter((p) => (p.dependsOn ?? []).length > 0).map((p) => [p.name, ['skipped'] as const]),
      ),
      codeFrom: null,
      source: "docker compose's rule: a dependency failed to start",
    },
  };
}
