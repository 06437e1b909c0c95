import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { complete, type DynamicValues } from '../../../src/cli/completion/complete.js';
import { completionScript, renderCompletion, SHELLS } from '../../../src/cli/completion/scripts.js';
import { commandSpec } from '../../../src/cli/completion/tree.js';
import { buildProgram } from '../../../src/cli/main.js';

const seen: { kind: string; file: string | undefined }[] = [];
const dynamic: DynamicValues = async (kind, file) => {
  seen.push({ kind, file });
  if (kind === 'reports') return ['20261203-api-1', '20261203-db-2'];
  if (kind === 'assignments') return ['api=', 'worker='];
  if (kind === 'names') return ['api', 'worker'];
  return ['api', 'worker', 'worker.1', 'worker.2', 'group:web', 'tag:backend', 'all'];
};

const root = commandSpec(buildProgram());
const values = async (before: string[], current: string) => {
  const result = await complete(root, before, current, dynamic);
  return { directive: result.directive, values: result.candidates.map((candidate) => candidate.value) };
};

describe('completion from the command tree', () => {
  it('offers every command --help lists, and not the hidden one', async () => {
    const program = buildProgram();
    const listed = program
      .createHelp()
      .visibleCommands(program)
      .map((command) => command.name())
      .filter((name) => name !== 'help');
    const { values: offered } = await values([], '');
    expect(offered).toEqual(expect.arrayContaining(listed));
    expect(offered).toContain('completion');
    expect(offered).not.toContain('__complete');
    expect((await values([], 'st')).values).toEqual(['start', 'stop']);
  });

  it('offers flags with their descriptions, the short ones for a lone dash', async () => {
    const result = await complete(root, ['logs'], '--l', dynamic);
    expect(result.candidates.map((candidate) => candidate.value)).toEqual(['--lines', '--level']);
    expect(result.candidates[0]?.description).toMatch(/\w/);
    expect((await values(['logs'], '-')).values).toEqual(
      expect.arrayContaining(['-f', '-n', '--grep', '-h']),
    );
    expect((await values(['up'], '-f')).values).toEqual(['-f']);
  });

  it('completes paths after -f, fixed choices of an argument, and the command after --', async () => {
    expect((await values(['up', '-f'], '')).directive).toBe('files');
    expect((await values(['export'], '')).values).toEqual([
      'systemd',
      'supervisord',
      'compose',
      'kubernetes',
    ]);
    expect((await values(['completion'], '')).values).toEqual(['bash', 'zsh', 'fish']);
    expect((await values(['exec', 'api', '--'], '')).directive).toBe('files');
  });

  it('asks the project for targets, names, NAME= (no space) and report ids, with the -f given', async () => {
    seen.length = 0;
    expect((await values(['restart'], 'wo')).values).toEqual(['worker', 'worker.1', 'worker.2']);
    expect((await values(['restart', 'api', '-f', 'other.yml'], 'group:')).values).toEqual(['group:web']);
    expect(seen.at(-1)).toEqual({ kind: 'targets', file: 'other.yml' });
    expect((await values(['exec', '--file=x.yml'], '')).values).toEqual(['api', 'worker']);
    expect(seen.at(-1)).toEqual({ kind: 'names', file: 'x.yml' });
    expect(await values(['scale'], 'w')).toEqual({ directive: 'nospace', values: ['worker='] });
    expect((await values(['reports'], '2026')).values).toEqual(['20261203-api-1', '20261203-db-2']);
    // `reports [id]` takes one: nothing after it.
    expect((await values(['reports', '20261203-api-1'], '')).values).toEqual([]);
    // A variadic argument goes on.
    expect((await values(['stop', 'api', 'worker'], '')).values).toContain('all');
  });

  it('walks nested subcommands', async () => {
    const program = new Command('ovrseer');
    const snapshot = program.command('snapshot').description('take a snapshot').option('-o, --output <file>');
    snapshot.command('show').description('render one').argument('<file>');
    const spec = commandSpec(program);
    const at = async (before: string[], current: string) =>
      (await complete(spec, before, current, dynamic)).directive;
    expect((await complete(spec, ['snapshot'], '', dynamic)).candidates.map((c) => c.value)).toEqual([
      'show',
    ]);
    expect(await at(['snapshot', 'show'], '')).toBe('files');
    expect(await at(['snapshot', '-o'], '')).toBe('files');
  });
  it.runIf(spawnSync('sh', ['-c', 'command -v zsh']).status === 0 || process.env.CI === 'true')(
    'zsh: sourced after compinit, it is the completer of ovrseer and ovr',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'ovrseer-completion-zsh-'));
      try {
        writeFileSync(join(dir, '_ovrseer'), completionScript('zsh'));
        const out = execFileSync(
          'zsh',
          [
            '-f',
            '-c',
            `autoload -U compinit; compinit -u -d ${dir}/dump; source ${dir}/_ovrseer; print -r -- $_comps[ovrseer] $_comps[ovr]`,
          ],
          { encoding: 'utf8' },
        );
        expect(out.trim()).toBe('_ovrseer _ovrseer');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('what __complete prints for each shell', () => {
  const completion = {
    directive: 'words' as const,
    candidates: [
      { value: 'group:web', description: 'a group' },
      { value: 'api', description: 'the\nAPI' },
    ],
  };
  it('bash: the values; zsh: value:description with colons escaped; fish: value<TAB>description', () => {
    expect(renderCompletion('bash', completion)).toBe(':words\ngroup:web\napi\n');
    expect(renderCompletion('zsh', completion)).toBe(':words\ngroup\\:web:a group\napi:the API\n');
    expect(renderCompletion('fish', completion)).toBe(':words\ngroup:web\ta group\napi\tthe API\n');
  });
});

describe('the scripts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-completion-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const shell of SHELLS) {
    const available = spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
    // CI installs zsh and fish (.ci/run): there the syntax check always runs.
    it.runIf(available || process.env.CI === 'true')(`${shell}: parses (${shell} -n)`, () => {
      const file = join(dir, `ovrseer.${shell}`);
      writeFileSync(file, completionScript(shell));
      expect(() => execFileSync(shell, ['-n', file], { stdio: 'pipe' })).not.toThrow();
    });
  }
});
