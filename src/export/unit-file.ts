/**
 * systemd unit file syntax. Almost every setting expands `%` specifiers, and command lines also expand
 * `$VAR`: text from the config is escaped so that it reaches the process exactly as ovrseer would pass it.
 */

export type Entries = [key: string, value: string][];

export function specifiers(text: string): string {
  return text.replaceAll('%', '%%');
}

function cEscape(text: string): string {
  return text.replace(/[\\"\n\r\t]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\${c}`);
}

/** One word of `ExecStart=` and friends; quoted (with C escapes) unless it is a plain word. */
export function execWord(word: string): string {
  const text = specifiers(word).replaceAll('$', '$$$$');
  return /^[\w@+=:,./%$-]+$/.test(text) ? text : `"${cEscape(text)}"`;
}

export function execLine(argv: readonly string[]): string {
  return argv.map(execWord).join(' ');
}

/** One `KEY=value` of `Environment=`: quoted, C escapes; `$` is not expanded there. */
export function environmentWord(key: string, value: string): string {
  return `"${cEscape(specifiers(`${key}=${value}`))}"`;
}

export function renderUnit(header: readonly string[], sections: Readonly<Record<string, Entries>>): string {
  const parts = [header.map((line) => `# ${line}`).join('\n')];
  for (const [section, entries] of Object.entries(sections)) {
    if (entries.length === 0) continue;
    parts.push([`[${section}]`, ...entries.map(([key, value]) => `${key}=${value}`)].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
