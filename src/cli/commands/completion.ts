import type { Command } from 'commander';
import { complete } from '../completion/complete.js';
import { projectValues } from '../completion/project-values.js';
import { completionScript, renderCompletion, SHELLS, type Shell } from '../completion/scripts.js';
import { commandSpec } from '../completion/tree.js';

function isShell(value: string): value is Shell {
  return (SHELLS as readonly string[]).includes(value);
}

/** `ovrseer completion SHELL`: the script to load (README, "Shell completion"). */
export function runCompletionScript(shell: Shell, out: NodeJS.WritableStream = process.stdout): number {
  out.write(completionScript(shell));
  return 0;
}

/**
 * `ovrseer __complete SHELL -- WORDS… CURRENT`, run by the scripts at each Tab: prints the directive
 * and the candidates for the last word. Never an error message: whatever it writes lands in the
 * user's command line, so a failure offers nothing.
 */
export async function runComplete(
  program: Command,
  shell: string,
  words: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (!isShell(shell)) return 1;
  const before = words.slice(0, -1);
  const current = words.at(-1) ?? '';
  const completion = await complete(commandSpec(program), before, current, projectValues);
  out.write(renderCompletion(shell, completion));
  return 0;
}
