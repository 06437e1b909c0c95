/** compose's interpolation (compose-go template.Substitute): `$VAR`, `${VAR}`, `${VAR:-d}` … nested. */
export type Lookup = (name: string) => string | undefined;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The end of a `${…}` that starts at `open` (the `{`), counting nested `${…}`; -1 when unclosed. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '{' && text[i - 1] === '$') depth += 1;
    else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export function composeSubstitute(
  text: string,
  lookup: Lookup,
): { ok: true; value: string } | { ok: false; message: string } {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = closingBrace(text, i + 1);
      if (close === -1) return { ok: false, message: `unterminated "\${" in ${JSON.stringify(text)}` };
      const body = text.slice(i + 2, close);
      const name = NAME_RE.exec(body)?.[0];
      if (name === undefined) return { ok: false, message: `invalid variable reference "\${${body}}"` };
      const rest = body.slice(name.length);
      const op = /^(:?[-?+])/.exec(rest)?.[1];
      if (rest !== '' && op === undefined)
        return { ok: false, message: `invalid variable reference "\${${body}}"` };
      const value = lookup(name);
      const unset = value === undefined || (op?.startsWith(':') === true && value === '');
      const argument = (): { ok: true; value: string } | { ok: false; message: string } =>
        composeSubstitute(rest.slice(op?.length ?? 0), lookup);
      if (op === undefined) out += value ?? '';
      else if (op.endsWith('-')) {
        if (!unset) out += value ?? '';
        else {
          const arg = argument();
          if (!arg.ok) return arg;
          out += arg.value;
        }
      } else if (op.endsWith('+')) {
        if (!unset) {
          const arg = argument();
          if (!arg.ok) return arg;
          out += arg.value;
        }
      } else if (!unset) out += value ?? '';
      else {
        const arg = argument();
        if (!arg.ok) return arg;
        const reason = arg.value === '' ? (value === undefined ? 'is not set' : 'is empty') : arg.value;
        return { ok: false, message: `variable ${name} is required: ${reason}` };
      }
      i = close + 1;
      continue;
    }
    const name = NAME_RE.exec(text.slice(i + 1))?.[0];
    if (name === undefined) {
      out += '$';
      i += 1;
      continue;
    }
    out += lookup(name) ?? '';
    i += 1 + name.length;
  }
  return { ok: true, value: out };
}
