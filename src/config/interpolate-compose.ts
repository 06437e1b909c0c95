/*
 * Interpolation of a docker compose file, by compose's own rules (compose-go `template/template.go` and
 * its tests; compose-spec `12-interpolation.md`): `$VAR` and `${VAR}`, `${VAR:-d}`, `${VAR-d}`,
 * `${VAR:?e}`, `${VAR?e}`, `${VAR:+x}`, `${VAR+x}`, nested references inside the argument, `$$` for a
 * literal `$`. An unset variable becomes an empty string with a warning, as compose has it; only the
 * `?` forms and malformed `${…}` are errors.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { referenceIssue, retypeScalar, type Variables } from './interpolate.js';
import { issueAt, type Path, type SourceDoc } from './yaml-source.js';

export type ComposeInterpolation =
  | { ok: true; value: string; unset: string[] }
  | { ok: false; message: string; reference: string };

const NAME_RE = /^[_a-z][_a-z0-9]*/i;
const BRACED_RE = /^([_a-z][_a-z0-9]*)(?:(:?[-+?])([\s\S]*))?$/i;

/** Index of the `}` closing the `${` at `start`, counting nested `${…}`; -1 when there is none. */
function closingBrace(input: string, start: number): number {
  let depth = 0;
  for (let i = start; i < input.length; i++) {
    if (input.startsWith('${', i)) {
      depth += 1;
      i += 1;
    } else if (input[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function invalid(input: string, reference: string): ComposeInterpolation {
  return {
    ok: false,
    message: `Invalid template: ${JSON.stringify(input)} (compose accepts $NAME and \${NAME} with :-, -, :?, ?, :+ or +; write $$ for a literal $)`,
    reference,
  };
}

function braced(body: string, whole: string, input: string, vars: Variables): ComposeInterpolation {
  const match = BRACED_RE.exec(body);
  if (match === null) return invalid(input, whole);
  const [, name = '', operator, argument = ''] = match;
  const value = vars[name];
  const empty = value === undefined || (operator?.startsWith(':') === true && value === '');
  // The argument may itself hold references; it is expanded only when it is used.
  const expandArgument = () => interpolateCompose(argument, vars);
  switch (operator) {
    case undefined:
      return value === undefined ? { ok: true, value: '', unset: [name] } : { ok: true, value, unset: [] };
    case ':-':
    case '-':
      return empty ? expandArgument() : { ok: true, value: value ?? '', unset: [] };
    case ':+':
    case '+':
      return empty ? { ok: true, value: '', unset: [] } : expandArgument();
    default: {
      if (!empty) return { ok: true, value: value ?? '', unset: [] };
      const reason = expandArgument();
      if (!reason.ok) return reason;
      const suffix = reason.value === '' ? '' : `: ${reason.value}`;
      return {
        ok: false,
        message: `required variable ${name} is missing a value${suffix}`,
        reference: whole,
      };
    }
  }
}

/** Expands one string as compose does; `unset` lists the variables that became empty strings. */
export function interpolateCompose(input: string, vars: Variables): ComposeInterpolation {
  let out = '';
  const unset: string[] = [];
  let index = 0;
  while (index < input.length) {
    const dollar = input.indexOf('$', index);
    if (dollar === -1) break;
    out += input.slice(index, dollar);
    const next = input[dollar + 1];
    if (next === '$') {
      out += '$';
      index = dollar + 2;
      continue;
    }
    if (next === '{') {
      const close = closingBrace(input, dollar);
      if (close === -1) return invalid(input, input.slice(dollar));
      const whole = input.slice(dollar, close + 1);
      const result = braced(input.slice(dollar + 2, close), whole, input, vars);
      if (!result.ok) return result;
      out += result.value;
      unset.push(...result.unset);
      index = close + 1;
      continue;
    }
    const name = NAME_RE.exec(input.slice(dollar + 1))?.[0];
    if (name === undefined) {
      // `a $ string`, `^REGEX$`, `$}`: a `$` that starts no reference stays (compose-go TestUnescaped).
      out += '$';
      index = dollar + 1;
      continue;
    }
    const value = vars[name];
    if (value === undefined) unset.push(name);
    out += value ?? '';
    index = dollar + 1 + name.length;
  }
  return { ok: true, value: out + input.slice(index), unset };
}

/** What compose prints for a variable that is not set, at the value that used it. */
export function unsetWarning(src: SourceDoc, path: Path, name: string): ConfigIssue {
  return issueAt(src, path, `The "${name}" variable is not set. Defaulting to a blank string.`);
}

/**
 * Interpolates, in place, every string value (never a key: compose-spec) whose path `select` accepts.
 * Returns the errors, and a warning per unset variable as compose prints them.
 */
export function interpolateComposeDocument(
  src: SourceDoc,
  vars: Variables,
  select: (path: Path) => boolean,
): { issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const warned = new Set<string>();
  const walk = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      for (const pair of node.items)
        walk(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : '']);
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i]);
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$') && select(path)) {
      const result = interpolateCompose(node.value, vars);
      if (!result.ok) {
        issues.push(referenceIssue(src, node, path, result));
        return;
      }
      for (const name of result.unset) {
        if (warned.has(name)) continue;
        warned.add(name);
        warnings.push(unsetWarning(src, path, name));
      }
      if (result.value !== node.value)
        node.value = node.type === 'PLAIN' ? retypeScalar(result.value) : result.value;
    }
  };
  walk(src.doc.contents, []);
  return { issues, warnings };
}
