import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { isRunning, killMarked, pidsIn } from '../helpers/processes.js';

const dirs: string[] = [];

/** A fresh project folder (its name is the project's) holding these files. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-procfile-e2e-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

afterEach(() => {
  killStrayClis();
  for (const dir of dirs.splice(0)) {
    killMarked(basename(dir));
    rmSync(dir, { recursive: true, force: true });
  }
});

// Each process says who it is, then stays up until the run ends.
const SAY = 'echo "env PS=$PS PORT=$PORT VAR=$VAR"; exec sleep 30';

async function envLines(dir: string, args: string[], count: number): Promise<string[]> {
  const run = startCli(['up', '-f', 'Procfile', '--no-tui', ...args], { cwd: dir });
  await run.waitForOutput(new RegExp(`(env PS=[\\s\\S]*){${count}}`));
  run.signal('SIGTERM');
  await run.exited;
  return run
    .lines()
    .flatMap((line) => /env (PS=.*)$/.exec(line)?.[1] ?? [])
    .sort();
}

describe('ovrseer up -f Procfile behaves as foreman start', () => {
  it('PS is name.N, PORT is base + 100 per process type in file order + 1 per instance (-m, -p)', async () => {
    const dir = folder({ Procfile: `web: ${SAY}\nworker: ${SAY}\nclock: ${SAY}\n`, '.env': 'VAR="a\\"b"\n' });
    expect(await envLines(dir, ['-m', 'web=2,clock=1', '-p', '7000'], 3)).toEqual([
      'PS=clock.1 PORT=7200 VAR=a"b',
      'PS=web.1 PORT=7000 VAR=a"b',
      'PS=web.2 PORT=7001 VAR=a"b',
    ]);
  });

  it('without -p the base is PORT from .env, else 5000; a single instance is name.1', async () => {
    const dir = folder({ Procfile: `web: ${SAY}\nworker: ${SAY}\n`, '.env': 'PORT=6000\nVAR=from-dotenv\n' });
    expect(await envLines(dir, [], 2)).toEqual([
      'PS=web.1 PORT=6000 VAR=from-dotenv',
      'PS=worker.1 PORT=6100 VAR=from-dotenv',
    ]);
    const bare = folder({ Procfile: `web: ${SAY}\n` });
    expect(await envLines(bare, [], 1)).toEqual(['PS=web.1 PORT=5000 VAR=']);
  });

  it('-e files replace .env; the .env is read by foreman rules (export lines skipped, # kept)', async () => {
    const dir = folder({
      Procfile: `web: ${SAY}\n`,
      '.env': 'VAR=from-dotenv\n',
      'other.env': 'export VAR=exported\nVAR=x # not a comment\n',
    });
    expect(await envLines(dir, ['-e', 'other.env'], 1)).toEqual(['PS=web.1 PORT=5000 VAR=x # not a comment']);
  });

  it('when one process exits, the others are stopped and up exits with its code (foreman, honcho)', async () => {
    const dir = folder({
      Procfile: 'long: echo "pid $$"; exec sleep 30\nshort: sleep 0.5; exit 3\n',
    });
    const run = startCli(['up', '-f', 'Procfile', '--no-tui'], { cwd: dir });
    await run.waitForOutput(/pid \d+/);
    const [longPid] = pidsIn(run.lines());
    expect(await run.exited).toBe(3);
    expect(longPid !== undefined && isRunning(longPid)).toBe(false);
  });

  it('a Procfile without entries, or with bad lines, is an error naming the lines', async () => {
    const empty = await runCli(['up', '-f', 'Procfile', '--no-tui'], {
      cwd: folder({ Procfile: '# nothing\n' }),
    });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('the Procfile defines no processes');
    const bad = await runCli(['up', '-f', 'Procfile', '--no-tui'], {
      cwd: folder({ Procfile: 'web: ok\nnot a line\n' }),
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Procfile:2:1');
  });
});
