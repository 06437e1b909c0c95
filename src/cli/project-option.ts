import type { Command } from 'commander';
import { OvrseerError } from '../errors.js';

export const PROJECT_HELP =
  'act on this running project, from anywhere: a name or directory from `ovrseer ls`';

/**
 * Gives `-p, --project` to every command that finds its project by config file (`--file`), except
 * those where `-p` means something else already (`up -p PORT`, foreman's base port): the project's
 * entry in the registry then stands for `--file`.
 */
export function addProjectOption(program: Command): void {
  for (const command of program.commands) {
    const takesFile = command.options.some((option) => option.long === '--file');
    const shortP = command.options.some((option) => option.short === '-p');
    if (takesFile && !shortP) command.option('-p, --project <project>', PROJECT_HELP);
  }
  program.hook('preAction', async (_program, command) => {
    const query = command.getOptionValue('project') as string | undefined;
    if (query === undefined || !command.options.some((option) => option.long === '--project')) return;
    if (command.getOptionValue('file') !== undefined)
      throw new OvrseerError('OVRSEER_USAGE', `-p ${query} and --file name two projects: give one of them`);
    const { readRegistry, resolveProject } = await import('../supervisor/registry.js');
    const entry = resolveProject(query, readRegistry());
    if (entry.configFile === null)
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `-p ${query}: project ${entry.project} (pid ${entry.pid}) was started from code, with no config file to act on`,
      );
    command.setOptionValue('file', entry.configFile);
  });
}
