/* The keys of a compose file, top level and per service: which ones ovrseer reads, and why not the rest. */
import type { Path } from '../yaml-source.js';
import { isRecord, type Untranslated } from './source.js';

export const FALLBACK = 'not supported by ovrseer';

export const TOP_HANDLED = ['name', 'services', 'version'];
export const TOP_REASONS: Record<string, string> = {
  networks: "processes share this machine's network; containers use docker's default network",
  volumes: 'docker creates named volumes on first use by docker run -v',
  secrets: 'pass secrets through env files (env_file) instead',
  configs: 'mount config files with volumes, or read them from the project directory',
  include: 'merge the included files into this one first',
  models: 'AI models run by Docker Model Runner: not supported by ovrseer',
};

export const SERVICE_HANDLED = [
  'image',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'depends_on',
  'healthcheck',
  'ports',
  'restart',
  'scale',
  'deploy',
  'working_dir',
  'user',
  'container_name',
  'stop_signal',
  'stop_grace_period',
  'profiles',
  'volumes',
  'build',
];
const CONTAINER =
  'a container setting: a process on this machine runs without a container (docs/compat/compose.md)';
/** Keys of a service that only mean something for a container. */
const CONTAINER_KEYS = [
  'annotations',
  'blkio_config',
  'cap_add',
  'cap_drop',
  'cgroup',
  'cgroup_parent',
  'cpu_count',
  'cpu_percent',
  'cpu_period',
  'cpu_quota',
  'cpu_rt_period',
  'cpu_rt_runtime',
  'cpu_shares',
  'cpus',
  'cpuset',
  'credential_spec',
  'device_cgroup_rules',
  'devices',
  'dns',
  'dns_opt',
  'dns_search',
  'domainname',
  'extra_hosts',
  'gpus',
  'group_add',
  'hostname',
  'init',
  'ipc',
  'isolation',
  'mac_address',
  'mem_limit',
  'mem_reservation',
  'mem_swappiness',
  'memswap_limit',
  'network_mode',
  'oom_kill_disable',
  'oom_score_adj',
  'pid',
  'pids_limit',
  'platform',
  'privileged',
  'pull_policy',
  'pull_refresh_after',
  'read_only',
  'runtime',
  'security_opt',
  'shm_size',
  'stdin_open',
  'storage_opt',
  'sysctls',
  'tmpfs',
  'tty',
  'ulimits',
  'userns_mode',
  'uts',
  'volumes_from',
  'external_links',
  'configs',
  'secrets',
  'use_api_socket',
  'models',
  'provider',
  'develop',
];
export const SERVICE_REASONS: Record<string, string> = {
  ...Object.fromEntries(CONTAINER_KEYS.map((key) => [key, CONTAINER])),
  attach: "ovrseer prints every process's output",
  label_file: 'no ovrseer equivalent',
  post_start: 'not supported: lifecycle hooks run inside the container',
  pre_stop: 'not supported: lifecycle hooks run inside the container',
  networks: "processes share this machine's network; containers use docker's default network",
  expose: "nothing to expose: processes share this machine's network",
  labels: 'no ovrseer equivalent',
  extends: 'merge the extended service into this one first',
  links: 'containers reach each other through published ports',
  logging: 'ovrseer keeps the logs (ovrseer logs)',
};

const SWARM = 'a swarm setting: ovrseer runs every replica on this machine';
const DEPLOY_HANDLED = ['replicas', 'restart_policy', 'resources'];
const DEPLOY_REASONS: Record<string, string> = {
  mode: SWARM,
  endpoint_mode: SWARM,
  placement: SWARM,
  rollback_config: SWARM,
  update_config: SWARM,
  labels: 'no ovrseer equivalent',
};

/** `deploy` keys ovrseer does not read (`restart_policy.window` is listed with the restart policy). */
export function deployNotes(deploy: unknown, path: Path, notes: Untranslated): void {
  if (!isRecord(deploy)) return;
  const at = [...path, 'deploy'];
  notes.rest(deploy, at, DEPLOY_HANDLED, DEPLOY_REASONS, FALLBACK);
  const resources = deploy.resources;
  notes.rest(
    resources,
    [...at, 'resources'],
    ['limits'],
    { reservations: 'ovrseer reserves nothing' },
    FALLBACK,
  );
  if (!isRecord(resources)) return;
  notes.rest(
    resources.limits,
    [...at, 'resources', 'limits'],
    ['memory', 'cpus'],
    { pids: 'ovrseer does not limit the number of processes' },
    FALLBACK,
  );
}
