import { isMap, isScalar, isSeq } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { INSTANCE_VARIABLES, interpolate, type Variables } from './interpolate-string.js';
import { issueAt, maskInterpolations, type Path, type SourceDoc } from './yaml-source.js';

export {
  expandInstanceVariables,
  INSTANCE_VARIABLES,
  type InterpolationResult,
  interpolate,
  type Variables,
} from './interpolate-string.js';

/**
 * Probe addresses (`ready`/`health` `http` URLs and `tcp` addresses) keep `PORT` and `PS` for run time:
 * each replica probes its own port. Exec probes are commands (`isCommandPath`).
 */
export function isProbeAddressPath(path: Path): boolean {
  if (path[0] === 'environments' && path[2] === 'processes') return isProbeAddressPath(path.slice(2));
  const [section, , field, ...rest] = path;
  if (section === 'services') {
    const [kind, sub] = rest;
    return field === 'healthcheck' && kind === 'http_get' && (sub === undefined || sub === 'url');
  }
  if (section !== 'processes' || (field !== 'ready' && field !== 'health')) return false;
  const [kind, sub] = typeof rest[0] === 'number' ? rest.slice(1) : rest;
  return (kind === 'http' && (sub === undefined || sub === 'url')) || (kind === 'tcp' && sub === undefined);
}

/**
 * Commands are left for the shell to expand when it runs them (`$HOME`, `$$`, `${PORT:-3000}` mean what
 * they mean in sh). `path` is relative to the document: processes.NAME.command, services.NAME.command, …
 */
export function isCommandPath(path: Path): boolean {
  // An `environments.NAME.processes.…` overlay holds process fields too.
  if (path[0] === 'environments' && path[2] === 'processes') return isCommandPath(path.slice(2));
  if (path[0] !== 'processes' && path[0] !== 'services') return false;
  const [field, second, third] = path.slice(2);
  if (field === 'command' || field === 'args') return true;
  if (field === 'stop') return second === 'command';
  if (field === 'ready' || field === 'health') return second === 'exec' || third === 'exec';
  return false;
}

// A plain scalar that was `${PORT}` should become what `3000` would have been, not the string "3000".
export function retypeScalar(value: string): string | number | boolean {
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(value)) return Number(value);
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  return value;
}

/**
 * The issue points at the `${…}` itself when it can be found verbatim in the scalar's source (it cannot
 * when escapes or line folding changed the text), else at the scalar.
 */
export function referenceIssue(
  src: SourceDoc,
  node: { range?: readonly [number, number, number] | null },
  path: Path,
  result: { message: string; reference?: string },
): ConfigIssue {
  const issue = issueAt(src, path, result.message);
  if (result.reference === undefined || !node.range) return issue;
  const [start, end] = node.range;
  const found = src.text.slice(start, end).indexOf(maskInterpolations(result.reference));
  if (found === -1) return issue;
  const { line, col } = src.lineCounter.linePos(start + found);
  return { ...issue, line, column: col };
}

/**
 * Interpolates, in place, every string value whose path `select` accepts; returns the problems found.
 * Where `keepInstance` holds, `PORT` and `PS` references are left for each instance to expand.
 */
export function interpolateDocument(
  src: SourceDoc,
  vars: Variables,
  select: (path: Path) => boolean,
  allowUnset: (path: Path) => boolean = () => false,
  keepInstance: (path: Path) => boolean = () => false,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i]);
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$') && select(path)) {
      const result = interpolate(node.value, vars, {
        allowUnset: allowUnset(path),
        ...(keepInstance(path) ? { keep: INSTANCE_VARIABLES } : {}),
      });
      if (!result.ok) issues.push(referenceIssue(src, node, path, result));
      else if (result.value !== node.value) {
        node.value = node.type === 'PLAIN' ? retypeScalar(result.value) : result.value;
      }
    }
  };
  walk(src.doc.contents, []);
  return issues;
}
