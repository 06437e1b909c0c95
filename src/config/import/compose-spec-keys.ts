/*
 * The keys the compose specification allows, object by object (compose-spec/compose-go
 * schema/compose-spec.json: every object below has `additionalProperties: false`). docker compose
 * refuses any other key (`services.web additional properties 'restrat' not allowed`), so ovrseer does
 * too rather than ignore a typo. Only the objects ovrseer reads are checked below the service level.
 */
import type { ConfigIssue } from '../../errors.js';
import type { Locator } from '../input.js';
import { didYouMean } from '../suggest.js';
import type { Path } from '../yaml-source.js';
import { isRecord } from './source.js';

interface Shape {
  keys: readonly string[];
  /** Whether the schema allows `x-*` keys here (`patternProperties: {"^x-": {}}`). */
  extensions: boolean;
}

export const TOP_SPEC: Shape = {
  keys: ['version', 'name', 'include', 'services', 'models', 'networks', 'volumes', 'secrets', 'configs'],
  extensions: true,
};

export const SERVICE_SPEC: Shape = {
  keys: [
    ...['annotations', 'attach', 'blkio_config', 'build', 'cap_add', 'cap_drop', 'cgroup', 'cgroup_parent'],
    ...['command', 'configs', 'container_name', 'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota'],
    ...['cpu_rt_period', 'cpu_rt_runtime', 'cpu_shares', 'cpus', 'cpuset', 'credential_spec', 'depends_on'],
    ...['deploy', 'develop', 'device_cgroup_rules', 'devices', 'dns', 'dns_opt', 'dns_search', 'domainname'],
    ...['entrypoint', 'env_file', 'environment', 'expose', 'extends', 'external_links', 'extra_hosts'],
    ...['gpus', 'group_add', 'healthcheck', 'hostname', 'image', 'init', 'ipc', 'isolation', 'label_file'],
    ...['labels', 'links', 'logging', 'mac_address', 'mem_limit', 'mem_reservation', 'mem_swappiness'],
    ...['memswap_limit', 'models', 'network_mode', 'networks', 'oom_kill_disable', 'oom_score_adj', 'pid'],
    ...['pids_limit', 'platform', 'ports', 'post_start', 'pre_stop', 'privileged', 'profiles', 'provider'],
    ...['pull_policy', 'pull_refresh_after', 'read_only', 'restart', 'runtime', 'scale', 'secrets'],
    ...['security_opt', 'shm_size', 'stdin_open', 'stop_grace_period', 'stop_signal', 'storage_opt'],
    ...['sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'user', 'userns_mode', 'uts', 'volumes'],
    ...['volumes_from', 'working_dir'],
  ],
  extensions: true,
};

const HEALTHCHECK: Shape = {
  keys: ['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable'],
  extensions: true,
};
const DEPENDENCY: Shape = { keys: ['condition', 'restart', 'required'], extensions: true };
// The only object here without `x-*`: the schema gives it no patternProperties.
const ENV_FILE: Shape = { keys: ['path', 'required', 'format'], extensions: false };
const PORT: Shape = {
  keys: ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'],
  extensions: true,
};
const BUILD: Shape = {
  keys: [
    ...['context', 'dockerfile', 'dockerfile_inline', 'entitlements', 'args', 'ssh', 'labels', 'cache_from'],
    ...['cache_to', 'no_cache', 'additional_contexts', 'network', 'provenance', 'sbom', 'pull', 'target'],
    ...['shm_size', 'extra_hosts', 'isolation', 'privileged', 'secrets', 'tags', 'ulimits', 'platforms'],
  ],
  extensions: true,
};
const DEPLOY: Shape = {
  keys: [
    ...['mode', 'endpoint_mode', 'replicas', 'labels', 'rollback_config', 'update_config', 'resources'],
    ...['restart_policy', 'placement'],
  ],
  extensions: true,
};
const RESTART_POLICY: Shape = { keys: ['condition', 'delay', 'max_attempts', 'window'], extensions: true };
const RESOURCES: Shape = { keys: ['limits', 'reservations'], extensions: true };
const LIMITS: Shape = { keys: ['cpus', 'memory', 'pids'], extensions: true };
const RESERVATIONS: Shape = { keys: ['cpus', 'memory', 'generic_resources', 'devices'], extensions: true };

/** Every key of the compose file, where ovrseer reads it, that the compose specification does not know. */
export function unknownComposeKeys(data: unknown, at: Locator): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (value: unknown, path: Path, shape: Shape): void => {
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) {
      if (shape.keys.includes(key) || (shape.extensions && key.startsWith('x-'))) continue;
      const message = `unknown key '${key}'${didYouMean(key, shape.keys)}; docker compose refuses it too`;
      issues.push(at([...path, key], message, { key: true }));
    }
  };
  const entries = (value: unknown): [string | number, unknown][] =>
    Array.isArray(value) ? value.map((item, i) => [i, item]) : isRecord(value) ? Object.entries(value) : [];
  check(data, [], TOP_SPEC);
  const services = isRecord(data) ? data.services : undefined;
  for (const [name, s] of entries(isRecord(services) ? services : undefined)) {
    if (!isRecord(s)) continue;
    const path: Path = ['services', name];
    check(s, path, SERVICE_SPEC);
    check(s.healthcheck, [...path, 'healthcheck'], HEALTHCHECK);
    check(s.build, [...path, 'build'], BUILD);
    if (isRecord(s.depends_on))
      for (const [dep, entry] of entries(s.depends_on))
        check(entry, [...path, 'depends_on', dep], DEPENDENCY);
    if (Array.isArray(s.env_file))
      for (const [i, entry] of entries(s.env_file)) check(entry, [...path, 'env_file', i], ENV_FILE);
    for (const [i, entry] of entries(Array.isArray(s.ports) ? s.ports : undefined))
      check(entry, [...path, 'ports', i], PORT);
    const deploy = s.deploy;
    check(deploy, [...path, 'deploy'], DEPLOY);
    if (!isRecord(deploy)) continue;
    check(deploy.restart_policy, [...path, 'deploy', 'restart_policy'], RESTART_POLICY);
    check(deploy.resources, [...path, 'deploy', 'resources'], RESOURCES);
    if (!isRecord(deploy.resources)) continue;
    check(deploy.resources.limits, [...path, 'deploy', 'resources', 'limits'], LIMITS);
    check(deploy.resources.reservations, [...path, 'deploy', 'resources', 'reservations'], RESERVATIONS);
  }
  return issues;
}
