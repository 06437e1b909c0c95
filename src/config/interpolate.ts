import { isMap, isScalar, isSeq } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { issueAt, maskInterpolations, type Path, type SourceDoc } from './yaml-source.js';

export type Variables = Readonly<Record<string, string | undefined>>;

/** On failure, `reference` is the text of the offending `${…}` (to point at it in the source). */
export type InterpolationResult =
  | { ok: true; value: string }
  | { ok: false; message: string; reference?: string };

const REFERENCE_RE = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/;
// biome-ignore lint/suspicious/noTemplateCurlyInString: these are the literal forms, shown to the user
const FORMS = '${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message} or ${NAME:+value}';

function resolveReference(body: string, vars: Variables, allowUnset: boolean): InterpolationResult {
  const match = REFERENCE_RE.exec(body);
  if (match === null) {
    return { ok: false, message: `invalid variable reference "\${${body}}": expected ${FORMS}` };
  }
  const [, name = '', operator, argument = ''] = match;
  const value = vars[name];
  // With a colon, an empty value counts as unset (as in the shell and docker compose).
  const unset = value === undefined || (operator?.startsWith(':') === true && value === '');
  switch (operator) {
    case undefined:
      // A typo in a variable name must not quietly become an empty string (a port, a path, a token).
      if (value === undefined && !allowUnset) {
        const hint = `write \${${name}:-default} to give it a default, or $\${${name}} for a literal`;
        return { ok: false, message: `variable ${name} is not set (${hint})` };
      }
      return { ok: true, value: value ?? '' };
    case ':-':
    case '-':
      return { ok: true, value: unset ? argument : (value ?? '') };
    case ':+':
    case '+':
      return { ok: true, value: unset ? '' : argument };
    default: {
      if (!unset) return { ok: true, value: value ?? '' };
      const reason = argument === '' ? (value === undefined ? 'is not set' : 'is empty') : argument;
      return { ok: false, message: `variable ${name} is required: ${reason}` };
    }
  }
}

/**
 * Expands `${VAR}` forms and `$$` in one string. A `$` not followed by `{` or `$` stays as it is. A
 * plain `${VAR}` whose variable is not set is an error, unless `allowUnset` (then it is empty). A
 * reference to a name in `keep` stays as written, for run time.
 */
export function interpolate(
  input: string,
  vars: Variables,
  options: { allowUnset?: boolean; keep?: ReadonlySet<string> } = {},
): InterpolationResult {
  let out = '';
  let index = 0;
  while (index < input.length) {
    const dollar = input.indexOf('$', index);
    if (dollar === -1) break;
    out += input.slice(index, dollar);
    const next = input[dollar + 1];
    if (next === '$') {
      out += '$';
      index = dollar + 2;
    } else if (next === '{') {
      const close = input.indexOf('}', dollar + 2);
      if (close === -1) {
        return {
          ok: false,
          message: `unterminated "\${" in ${JSON.stringify(input)} (write "$$" for a literal "$")`,
          reference: input.slice(dollar),
        };
      }
      const body = input.slice(dollar + 2, close);
      if (options.keep?.has(REFERENCE_RE.exec(body)?.[1] ?? '') === true) {
        out += input.slice(dollar, close + 1);
        index = close + 1;
        continue;
      }
      const resolved = resolveReference(body, vars, options.allowUnset === true);
      if (!resolved.ok) return { ...resolved, reference: input.slice(dollar, close + 1) };
      out += resolved.value;
      index = close + 1;
    } else {
      out += '$';
      index = dollar + 1;
    }
  }
  return { ok: true, value: out + input.slice(index) };
}

/** What ovrseer sets for each instance itself (launch.ts): known only when that instance starts. */
export const INSTANCE_VARIABLES: ReadonlySet<string> = new Set(['PORT', 'PS']);

const INSTANCE_REFERENCE_RE = /\$\{(?:PORT|PS)(?::?[-+?][^}]*)?\}|\$(PORT|PS)\b/g;

/**
 * Expands `$PORT`, `$PS` and their `${…}` forms (`${PORT:-3000}` too) with one instance's environment,
 * for what no shell reads: argv commands, probe addresses. A reference that cannot be expanded (an unset
 * variable without a default) stays as written, so the failure shows it.
 */
export function expandInstanceVariables(text: string, vars: Variables): string {
  return text.replace(INSTANCE_REFERENCE_RE, (whole, bare?: string) => {
    if (bare !== undefined) return vars[bare] ?? whole;
    const resolved = resolveReference(whole.slice(2, -1), vars, false);
    return resolved.ok ? resolved.value : whole;
  });
}

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
