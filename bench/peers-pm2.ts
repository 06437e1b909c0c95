/** pm2 as a peer: found or installed, with its own PM2_HOME, its apps in an ecosystem file, ended with `pm2 kill`. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executable, ROOT, run, waitGone } from './peers-run.js';
import type { PeerRun, Program } from './peers-tools.js';

export function pm2Run(
  bin: string,
  dir: string,
  programs: readonly Program[],
  baseEnv: NodeJS.ProcessEnv,
): PeerRun {
  const home = join(dir, 'pm2-home');
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const env = { ...baseEnv, PM2_HOME: home, PM2_DISABLE_VERSION_CHECK: 'true' };
  const app = (program: Program) => ({
    name: program.name,
    script: program.argv[0],
    args: program.argv.slice(1),
    interpreter: 'none',
    exec_mode: 'fork',
    autorestart: !program.oneshot,
    merge_logs: true,
    out_file: join(logs, `${program.name}.out.log`),
    error_file: join(logs, `${program.name}.err.log`),
  });
  const ecosystem = (name: string, apps: readonly Program[]): string => {
    const file = join(dir, `${name}.config.json`);
    writeFileSync(file, JSON.stringify({ apps: apps.map(app) }));
    return file;
  };
  const autostart = programs.filter((program) => program.autostart);
  const pm2 = (...args: string[]): Promise<string> => run(bin, args, { cwd: dir, env });
  const pidOf = (): number => Number(readFileSync(join(home, 'pm2.pid'), 'utf8').trim());
  return {
    async start() {
      // `pm2 ping` starts the God daemon and nothing else.
      if (autostart.length === 0) await pm2('ping');
      else await pm2('start', ecosystem('all', autostart));
    },
    pid: pidOf,
    async startProgram(name) {
      const program = programs.find((entry) => entry.name === name);
      if (program === undefined) throw new Error(`no program ${name}`);
      await pm2('start', ecosystem(name, [program]));
    },
    logFiles: (name) => [join(logs, `${name}.out.log`), join(logs, `${name}.err.log`)],
    async stop() {
      if (!existsSync(join(home, 'pm2.pid'))) return;
      const pid = pidOf();
      await pm2('kill');
      await waitGone(pid, 30_000);
    },
  };
}

/** pm2: OVRSEER_PM2_BIN (the file, or the folder .ci/run points at), .ci/cache, or pm2@7 installed in a temp cache. */
export async function findPm2(): Promise<{ bin: string | null; why: string }> {
  const given = process.env.OVRSEER_PM2_BIN;
  if (given !== undefined && given !== '') {
    const bin = executable(given) ? given : join(given, 'pm2');
    if (executable(bin)) return { bin, why: `OVRSEER_PM2_BIN (${bin})` };
  }
  const cached = join(ROOT, '.ci/cache/pm2/node_modules/.bin/pm2');
  if (executable(cached)) return { bin: cached, why: cached };
  const prefix = join(tmpdir(), 'ovrseer-bench-pm2');
  const installed = join(prefix, 'node_modules/.bin/pm2');
  if (!executable(installed)) {
    try {
      await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', 'pm2@7'], {
        env: process.env,
      });
    } catch (error) {
      return {
        bin: null,
        why: `pm2 is not installed and \`npm install pm2@7\` failed: ${(error as Error).message}`,
      };
    }
  }
  return executable(installed)
    ? { bin: installed, why: `npm install --prefix ${prefix} pm2@7` }
    : { bin: null, why: `npm installed pm2@7 but ${installed} is not there` };
}
