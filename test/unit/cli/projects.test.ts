import { describe, expect, it } from 'vitest';
import { markSharedPorts, type ProjectStatus } from '../../../src/cli/commands/projects.js';
import { complete, type DynamicValues } from '../../../src/cli/completion/complete.js';
import { commandSpec } from '../../../src/cli/completion/tree.js';
import { fastCommand } from '../../../src/cli/fast-args.js';
import { buildProgram } from '../../../src/cli/main.js';
import type { ProcessRow } from '../../../src/supervisor/process-rows.js';
import type { RegistryEntry } from '../../../src/supervisor/registry.js';

function status(project: string, ports: number[][]): ProjectStatus {
  return {
    entry: { project, directory: `/src/${project}` } as RegistryEntry,
    rows: ports.map((list) => ({ ports: list }) as ProcessRow),
    error: null,
    sharedPorts: [],
  };
}

describe('ports shared between projects', () => {
  it('reports a port listened on in two projects in both, naming the other', () => {
    const shop = status('shop', [[3000], [5432]]);
    const blog = status('blog', [[3000, 8080]]);
    const docs = status('docs', [[8081]]);
    markSharedPorts([shop, blog, docs]);
    expect(shop.sharedPorts).toEqual([{ port: 3000, projects: ['blog'] }]);
    expect(blog.sharedPorts).toEqual([{ port: 3000, projects: ['shop'] }]);
    expect(docs.sharedPorts).toEqual([]);
  });

  it('does not count one project twice for a port two of its processes report', () => {
    const shop = status('shop', [[3000], [3000]]);
    markSharedPorts([shop]);
    expect(shop.sharedPorts).toEqual([]);
  });
});

describe('command line', () => {
  it('sends ps --all and ps -p to the full program, and keeps plain ps on the fast path', () => {
    expect(fastCommand(['ps', '--all'])).toBeNull();
    expect(fastCommand(['ps', '-a'])).toBeNull();
    expect(fastCommand(['ps', '-p', 'shop'])).toBeNull();
    expect(fastCommand(['ps'])).toEqual({ kind: 'ps', options: {} });
    expect(fastCommand(['ps', '--json'])).toEqual({ kind: 'ps', options: { json: true } });
  });

  it('gives -p PROJECT to the commands that act on a project, and leaves up -p as the port', () => {
    const program = buildProgram();
    const short = (name: string, flag: string): string | undefined =>
      program.commands
        .find((command) => command.name() === name)
        ?.options.find((option) => option.short === flag)?.long;
    for (const name of [
      'ps',
      'start',
      'stop',
      'restart',
      'scale',
      'logs',
      'down',
      'tui',
      'dashboard',
      'exec',
      'attach',
      'reports',
      'graph',
    ]) {
      expect(short(name, '-p'), name).toBe('--project');
    }
    expect(short('up', '-p')).toBe('--port');
    expect(program.commands.find((command) => command.name() === 'ls')?.aliases()).toEqual(['projects']);
  });
});

describe('completion of -p', () => {
  it('offers the running projects after -p, and the names of that project after it', async () => {
    const asked: string[] = [];
    const dynamic: DynamicValues = async (kind, file, project) => {
      asked.push(`${kind} ${file} ${project}`);
      return kind === 'projects' ? ['shop', 'blog'] : ['api', 'all'];
    };
    const root = commandSpec(buildProgram());
    const values = async (before: string[], current: string): Promise<string[]> =>
      (await complete(root, before, current, dynamic)).candidates.map((candidate) => candidate.value);
    expect(await values(['stop', '-p'], 'sh')).toEqual(['shop']);
    expect(await values(['stop', '--project'], '')).toEqual(['shop', 'blog']);
    expect(await values(['stop', '-p', 'blog'], 'a')).toEqual(['api', 'all']);
    expect(asked).toEqual([
      'projects undefined undefined',
      'projects undefined undefined',
      'targets undefined blog',
    ]);
    // up -p is the port: nothing to offer.
    expect(await values(['up', '-p'], '')).toEqual([]);
  });
});
