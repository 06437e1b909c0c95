import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isErrnoException } from '../errors.js';

/**
 * The git branch checked out in `cwd` or the nearest parent, from `.git/HEAD` (no `git` spawn): the
 * branch name, the short commit for a detached HEAD, or null outside a repository. Worktrees and
 * submodules, where `.git` is a file pointing at the real git dir, are followed.
 */
export function gitBranch(cwd: string): string | null {
  for (let dir = resolve(cwd); ; ) {
    const head = readHead(dir);
    if (head !== null) return branchOf(head);
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** `ref: refs/heads/main` → `main`; a bare commit id → its first 7 characters. */
export function branchOf(head: string): string | null {
  const text = head.trim();
  const ref = /^ref:\s*(\S+)$/.exec(text);
  if (ref !== null) return (ref[1] ?? '').replace(/^refs\/heads\//, '');
  return /^[0-9a-f]{7,}$/i.test(text) ? text.slice(0, 7) : null;
}

function readHead(dir: string): string | null {
  const dotGit = join(dir, '.git');
  const head = readIfExists(join(dotGit, 'HEAD'));
  if (head !== null) return head;
  // `.git` as a file: "gitdir: <path>" (worktrees, submodules).
  const pointer = readIfExists(dotGit);
  const gitdir = pointer === null ? null : /^gitdir:\s*(.+)$/m.exec(pointer)?.[1]?.trim();
  if (gitdir === null || gitdir === undefined) return null;
  return readIfExists(join(isAbsolute(gitdir) ? gitdir : join(dir, gitdir), 'HEAD'));
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && ['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES'].includes(error.code ?? '')) {
      return null;
    }
    throw error;
  }
}

/** Branches per directory, read again only when older than `refreshMs`: branches change rarely. */
export class BranchCache {
  readonly #entries = new Map<string, { branch: string | null; time: number }>();

  constructor(
    private readonly refreshMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get(cwd: string, now: number): string | null {
    const cached = this.#entries.get(cwd);
    if (cached !== undefined && now - cached.time < this.refreshMs) return cached.branch;
    let branch: string | null = null;
    try {
      branch = gitBranch(cwd);
    } catch (error) {
      this.onError(error);
    }
    this.#entries.set(cwd, { branch, time: now });
    return branch;
  }
}
