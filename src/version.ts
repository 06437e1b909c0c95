import { readFileSync } from 'node:fs';

/** Read once from package.json so `--version` can never disagree with what was published. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
