/*
 * `${VAR}` in one string, without the YAML document: the engine expands instance variables at run time
 * (core/command.ts, probes), and the detached supervisor must not load the YAML parser for that
 * (docs/startup.md). interpolate.ts re-exports all of it.
 */
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
