import type { ConfigIssue } from '../errors.js';
import type { Locator, ProbeInput, ProcessInput } from './input.js';
import { expandInstanceVariables, type Variables } from './interpolate.js';

/** Where `$PORT` may be in a probe: an http URL or a tcp address (an exec probe is a command). */
function addressOf(probe: ProbeInput): string | null {
  if (probe.kind === 'http') return probe.url;
  if (probe.kind === 'tcp') return `${probe.host}:${probe.port}`;
  return null;
}

/**
 * `$PORT` without a default in a probe's address is each instance's PORT. A process with no PORT at all
 * (no `port`, no `PORT` in its env or ovrseer's) would have an address that can never be valid.
 */
export function checkProbePorts(
  p: ProcessInput,
  env: Variables,
  shellEnv: Variables,
  at: Locator,
): ConfigIssue[] {
  if (p.port != null || env.PORT !== undefined || shellEnv.PORT !== undefined) return [];
  const probes = [
    ...(p.ready ?? []).map((ready, i) => ({ probe: ready.probe, path: ['ready', i] })),
    ...(p.health ? [{ probe: p.health.probe, path: ['health'] }] : []),
  ];
  const issues: ConfigIssue[] = [];
  for (const { probe, path } of probes) {
    const address = addressOf(probe);
    if (address === null || !/\$\{?PORT\b/.test(expandInstanceVariables(address, { PS: p.name }))) continue;
    const message =
      `${probe.kind} probe uses $PORT, but '${p.name}' has no port: set "port: 3000" on it ` +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal form, shown to the user
      '(replica N gets port + N − 1), or write ${PORT:-3000}';
    issues.push(at([...p.namePath, ...path, probe.kind], message));
  }
  return issues;
}
