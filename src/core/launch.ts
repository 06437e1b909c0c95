import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import type { ProcessSpec } from '../config/spec.js';
import { errorMessage, isErrnoException } from '../errors.js';
import { describeCommand, spawnArgv, withInstanceVariables } from './command.js';
import { PROCESS_MARKER_VAR, PROJECT_ID_VAR } from './kill.js';
import type { ManagedProcessContext } from './managed-process.js';
import { withOsLimits } from './os-limits.js';

export type LaunchResult = { ok: true; child: ChildProcess } | { ok: false; reason: string };

/**
 * The environment of one instance: inherited, then the process's variables, then ovrseer's own —
 * the marker that lets a stop find descendants that left the process group, `PS` like foreman, and
 * `PORT` (+1 per replica) when a port is configured, and `instance_vars` (base + 0-based index).
 */
export function instanceEnv(
  spec: ProcessSpec,
  instance: number | null,
  context: Pick<ManagedProcessContext, 'baseEnv' | 'project'>,
  marker: string,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...context.baseEnv, ...spec.env };
  env[PROCESS_MARKER_VAR] = marker;
  env[PROJECT_ID_VAR] = context.project.id;
  // A single instance keeps a `PS` its config sets (a Procfile's `web.1`, as foreman names it).
  env.PS = instance === null ? (spec.env.PS ?? spec.name) : `${spec.name}.${instance}`;
  if (spec.port !== null) env.PORT = String(spec.port + (instance ?? 1) - 1);
  for (const [name, base] of Object.entries(spec.instanceVars))
    env[name] = String(base + (instance ?? 1) - 1);
  return env;
}

/** Checks what can be checked before spawning, so the failure names the real cause. */
function preflight(spec: ProcessSpec): string | null {
  try {
    if (!statSync(spec.cwd).isDirectory()) return `working directory ${spec.cwd} is not a directory`;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      return `working directory ${spec.cwd} does not exist (set "cwd" of ${spec.name} to an existing directory)`;
    }
    return `working directory ${spec.cwd} cannot be used: ${errorMessage(error)}`;
  }
  if (spec.user !== null && process.getuid !== undefined) {
    const uid = process.getuid();
    if (uid !== 0 && uid !== spec.user.uid) {
      return `"user" asks for uid ${spec.user.uid}, which needs ovrseer to run as root (it runs as uid ${uid})`;
    }
  }
  return null;
}

/** Spawns the process in its own process group and resolves once it runs, or with why it could not. */
export async function launch(
  spec: ProcessSpec,
  instance: number | null,
  context: ManagedProcessContext,
  marker: string,
  /** What `ChildChannels.prepare` gave: variables on top of the instance's, and Node's IPC channel. */
  channels: { env: Record<string, string>; nodeChannel: boolean } = { env: {}, nodeChannel: false },
): Promise<LaunchResult> {
  const problem = preflight(spec);
  if (problem !== null) return { ok: false, reason: problem };
  const env = { ...instanceEnv(spec, instance, context, marker), ...channels.env };
  const limited = withOsLimits(
    spawnArgv(withInstanceVariables(spec.command, env)),
    spec.limits.os ?? [],
    env,
    spec.cwd,
  );
  if (!limited.ok) return { ok: false, reason: limited.reason };
  const [file, ...args] = limited.argv;
  const dropPrivileges = spec.user !== null && process.getuid?.() === 0;
  let child: ChildProcess;
  try {
    child = context.spawn(file as string, args, {
      cwd: spec.cwd,
      env,
      detached: true,
      stdio: channels.nodeChannel ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
      ...(dropPrivileges && spec.user !== null ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
    });
  } catch (error) {
    return {
      ok: false,
      reason: `could not start "${describeCommand(spec.command)}": ${errorMessage(error)}`,
    };
  }
  return new Promise((resolve) => {
    const onSpawn = (): void => {
      child.off('error', onError);
      resolve({ ok: true, child });
    };
    const onError = (error: Error): void => {
      child.off('spawn', onSpawn);
      const what = describeCommand(spec.command);
      const reason =
        isErrnoException(error) && error.code === 'ENOENT'
          ? `command not found: ${file} (from "${what}")`
          : isErrnoException(error) && error.code === 'EACCES'
            ? `permission denied running ${file} (from "${what}")`
            : `could not start "${what}": ${error.message}`;
      resolve({ ok: false, reason });
    };
    child.once('spawn', onSpawn);
    child.once('error', onError);
  });
}
