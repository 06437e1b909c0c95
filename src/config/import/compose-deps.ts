/*
 * Profiles and `depends_on`, by compose's rules (compose-spec 05-services.md `depends_on`, 15-profiles.md):
 * a service with profiles is enabled only when one of them is active; a dependency must exist and be
 * enabled unless `required: false` (then it is skipped with a warning); `service_healthy` needs a
 * healthcheck on the dependency.
 */
import type { ConfigIssue } from '../../errors.js';
import type { DependencyInput, Locator } from '../input.js';
import type { Path } from '../yaml-source.js';
import type { ComposeService } from './compose-schema.js';
import type { Untranslated } from './source.js';
import type { ImportContext } from './types.js';

const CONDITION_MAP = {
  service_started: 'started',
  service_healthy: 'healthy',
  service_completed_successfully: 'completed_successfully',
} as const;

/** `--profile` (the context), else `COMPOSE_PROFILES` (the shell, then `.env`), comma-separated. */
export function activeProfiles(context: ImportContext): Set<string> {
  if (context.profiles !== undefined) return new Set(context.profiles);
  const fromEnv = context.vars.COMPOSE_PROFILES ?? '';
  return new Set(
    fromEnv
      .split(',')
      .map((profile) => profile.trim())
      .filter((profile) => profile !== ''),
  );
}

/** A service without profiles always runs; `*` activates every profile (as `--profile '*'` does). */
export function isEnabled(s: ComposeService, active: ReadonlySet<string>): boolean {
  const profiles = s.profiles ?? [];
  return profiles.length === 0 || active.has('*') || profiles.some((profile) => active.has(profile));
}

/** Whether compose would see a health status for the service (`healthcheck.test`, not disabled or NONE). */
export function hasHealthcheck(s: ComposeService): boolean {
  const check = s.healthcheck;
  if (check === undefined || check.disable === true || check.test === undefined) return false;
  return !(Array.isArray(check.test) && check.test[0] === 'NONE');
}

export interface DependencyScope {
  services: Readonly<Record<string, ComposeService>>;
  active: ReadonlySet<string>;
  at: Locator;
  notes: Untranslated;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
}

function entries(s: ComposeService): Array<{
  name: string;
  condition: keyof typeof CONDITION_MAP;
  required: boolean;
  restart: boolean;
  key: boolean;
  at: Path;
}> {
  const deps = s.depends_on;
  if (deps === undefined) return [];
  if (Array.isArray(deps))
    return deps.map((name, i) => ({
      name,
      condition: 'service_started',
      required: true,
      restart: false,
      key: false,
      at: [i],
    }));
  return Object.entries(deps).map(([name, entry]) => ({
    name,
    condition: entry.condition ?? 'service_started',
    required: entry.required ?? true,
    restart: entry.restart ?? false,
    key: true,
    at: [name],
  }));
}

export function composeDependsOn(
  name: string,
  s: ComposeService,
  path: Path,
  scope: DependencyScope,
): DependencyInput[] {
  const result: DependencyInput[] = [];
  const enabled = isEnabled(s, scope.active);
  for (const entry of entries(s)) {
    const at: Path = [...path, 'depends_on', ...entry.at];
    const dependency = scope.services[entry.name];
    const problem =
      dependency === undefined
        ? `service "${name}" depends on undefined service "${entry.name}"`
        : enabled && !isEnabled(dependency, scope.active)
          ? `service "${name}" depends on service "${entry.name}", which is disabled: none of its profiles (${(dependency.profiles ?? []).join(', ')}) is active (--profile or COMPOSE_PROFILES)`
          : null;
    if (problem !== null) {
      if (entry.required)
        scope.issues.push(
          scope.at(at, `${problem} (add required: false to start without it)`, { key: entry.key }),
        );
      else
        scope.warnings.push(
          scope.at(at, `${problem}: skipped, as it has required: false`, { key: entry.key }),
        );
      continue;
    }
    if (dependency === undefined) continue;
    if (entry.condition === 'service_healthy' && !hasHealthcheck(dependency)) {
      const image =
        dependency.command === undefined || dependency.command === null
          ? ' (ovrseer cannot see the HEALTHCHECK of an image: write healthcheck.test in the compose file)'
          : '';
      scope.issues.push(
        scope.at(
          [...at, ...(entry.key ? ['condition'] : [])],
          `service "${name}" waits for "${entry.name}" to be healthy, but "${entry.name}" has no healthcheck${image}`,
        ),
      );
      continue;
    }
    result.push({
      name: entry.name,
      condition: CONDITION_MAP[entry.condition],
      path: at,
      key: entry.key,
      ...(entry.restart ? { restart: true } : {}),
    });
  }
  return result;
}
