/** Words /bin/sh reads as themselves. */
const PLAIN = /^[\w@%+=:,./-]+$/;

/** Quotes a word for /bin/sh: plain words stay bare, anything else is single-quoted (no expansion). */
export function shQuote(word: string): string {
  if (PLAIN.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
