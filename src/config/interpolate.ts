import { isMap, isScalar, isSeq } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { issueAt, type Path, type SourceDoc } from './yaml-source.js';

export type Variables = Readonly<Record<string, string | undefined>>;

export type InterpolationResult = { ok: true; value: string } | { ok: false; message: string };

const REFERENCE_RE = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/;
// biome-ignore lint/suspicious/noTemplateCurlyInString: these are the literal forms, shown to the user
const FORMS = '${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message} or ${NAME:+value}';

function resolveReference(body: string, vars: Variables): InterpolationResult {
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

/** Expands `${VAR}` forms and `$$` in one string. A `$` not followed by `{` or `$` stays as it is. */
export function interpolate(input: string, vars: Variables): InterpolationResult {
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
        };
      }
      const resolved = resolveReference(input.slice(dollar + 2, close), vars);
      if (!resolved.ok) return resolved;
      out += resolved.value;
      index = close + 1;
    } else {
      out += '$';
      index = dollar + 1;
    }
  }
  return { ok: true, value: out + input.slice(index) };
}

/**
 * Commands are left for the shell to expand when it runs them (`$HOME`, `$$`, `${PORT:-3000}` mean what
 * they mean in sh). `path` is relative to the document: processes.NAME.command, services.NAME.command, …
 */
export function isCommandPath(path: Path): boolean {
  if (path[0] !== 'processes' && path[0] !== 'services') return false;
  const [field, second, third] = path.slice(2);
  if (field === 'command' || field === 'args') return true;
  if (field === 'stop') return second === 'command';
  if (field === 'ready' || field === 'health') return second === 'exec' || third === 'exec';
  return false;
}

// A plain scalar that was `${PORT}` should become what `3000` would have been, not the string "3000".
function retype(value: string): string | number | boolean {
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(value)) return Number(value);
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  return value;
}

/** Interpolates, in place, every string value whose path `select` accepts; returns the problems found. */
export function interpolateDocument(
  src: SourceDoc,
  vars: Variables,
  select: (path: Path) => boolean,
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
      const result = interpolate(node.value, vars);
      if (!result.ok) issues.push(issueAt(src, path, result.message));
      else if (result.value !== node.value) {
        node.value = node.type === 'PLAIN' ? retype(result.value) : result.value;
      }
    }
  };
  walk(src.doc.contents, []);
  return issues;
}
