import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BranchCache, branchOf, gitBranch } from '../../../src/metrics/git-branch.js';

let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function repo(head: string): string {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-git-'));
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, '.git/HEAD'), head);
  mkdirSync(join(dir, 'services/api'), { recursive: true });
  return dir;
}

describe('branchOf', () => {
  it('reads a ref or a detached commit', () => {
    expect(branchOf('ref: refs/heads/main\n')).toBe('main');
    expect(branchOf('ref: refs/heads/feature/login\n')).toBe('feature/login');
    expect(branchOf('3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\n')).toBe('3f2a9c1');
    expect(branchOf('garbage')).toBeNull();
  });
});

describe('gitBranch', () => {
  it('finds the repository from a subdirectory', () => {
    repo('ref: refs/heads/develop\n');
    expect(gitBranch(join(dir, 'services/api'))).toBe('develop');
  });

  it('follows a .git file (worktree, submodule)', () => {
    repo('ref: refs/heads/main\n');
    mkdirSync(join(dir, 'gitdirs/wt'), { recursive: true });
    writeFileSync(join(dir, 'gitdirs/wt/HEAD'), 'ref: refs/heads/hotfix\n');
    mkdirSync(join(dir, 'wt'));
    writeFileSync(join(dir, 'wt/.git'), 'gitdir: ../gitdirs/wt\n');
    expect(gitBranch(join(dir, 'wt'))).toBe('hotfix');
  });

  it('is null outside any repository', () => {
    dir = mkdtempSync(join(tmpdir(), 'ovrseer-nogit-'));
    // tmpdir itself is not in a repository on any machine we test on.
    expect(gitBranch(dir)).toBeNull();
  });

  it('BranchCache reads again only after the refresh time', () => {
    repo('ref: refs/heads/one\n');
    const cache = new BranchCache(30_000, (error) => {
      throw error;
    });
    expect(cache.get(dir, 0)).toBe('one');
    writeFileSync(join(dir, '.git/HEAD'), 'ref: refs/heads/two\n');
    expect(cache.get(dir, 29_999)).toBe('one');
    expect(cache.get(dir, 30_000)).toBe('two');
  });
});
