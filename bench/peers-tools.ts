/**
 * The three supervisors of the peers benchmark behind one interface: each gets the same programs,
 * logs each program's stdout and stderr to its own file in the run's directory, never rotates them,
 * and is started, driven and ended with its own commands.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from './peers-proc.js';
import { sleep } from './report.js';

export type PeerName = 'ovrseer' | 'supervisord' | 'pm2';

export interface Program {
  name: string;
  argv: string[];
  /** Started with the supervisor; otherwise only when asked to (`startProgram`). */
  autostart: boolean;
  /** Runs once: no restart when it exits, and an early exit is no failure. */
  oneshot: boolean;
}

export interface PeerRun {
  /** Runs the start command; resolves once the supervisor answers (and has started what autostarts). */
  start(): Promise<void>;
  /** The supervisor's pid (after `start`). */
  pid(): number;
  startProgram(name: string): Promise<void>;
  /** The files the supervisor keeps for a program's output; the first holds its stdout. */
  logFiles(name: string): string[];
  /** The supervisor's own stop command, then waits until its pid is gone. */
  stop(): Promise<void>;
}

export interface Peer {
  name: PeerName;
  open(dir: string, programs: readonly Program[], env: NodeJS.ProcessEnv): PeerRun;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/bin.js');
const SUPERVISORD = '/usr/bin/supervisord';
const SUPERVISORCTL = '/usr/bin/supervisorctl';
const GB = 1024 ** 3;

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-2000)}`));
    });
  });
}

async function waitGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} still runs ${timeoutMs} ms after its stop command`);
    await sleep(20);
  }
}

function ovrseerRun(dir: string, programs: readonly Program[], env: NodeJS.ProcessEnv): PeerRun {
  const lines = [
    'name: bench-peers',
    `settings: { metrics_interval: 1s, shutdown_timeout: 10s, limits: { max_processes: ${programs.length + 10} } }`,
    'processes:',
  ];
  for (const program of programs) {
    const keys = [
      `command: ${JSON.stringify(program.argv)}`,
      // The peers keep one file and never rotate it; so does ovrseer here.
      `log: { max_size: ${GB}, keep: 0 }`,
    ];
    if (program.oneshot) keys.push('type: task');
    if (!program.autostart) keys.push('disabled: true');
    lines.push(`  ${program.name}: { ${keys.join(', ')} }`);
  }
  writeFileSync(join(dir, 'ovrseer.yml'), `${lines.join('\n')}\n`);
  const cli = (...args: string[]): Promise<string> => run(process.execPath, [BIN, ...args], { cwd: dir, env });
  let pid = Number.NaN;
  return {
    async start() {
      await cli('up', '-d');
      pid = (JSON.parse(readFileSync(join(dir, '.ovrseer', 'state.json'), 'utf8')) as { supervisor: { pid: number } })
        .supervisor.pid;
    },
    pid: () => pid,
    startProgram: async (name) => void (await cli('start', name)),
    logFiles(name) {
      const logs = join(dir, '.ovrseer', 'logs');
      // Whatever else the log store keeps beside the file (an index, say) is part of what it keeps.
      const others = existsSync(logs)
        ? readdirSync(logs).filter((file) => file.startsWith(`${name}.`) && file !== `${name}.log`)
        : [];
      return [join(logs, `${name}.log`), ...others.map((file) => join(logs, file))];
    },
    async stop() {
      await cli('down');
      if (!Number.isNaN(pid)) await waitGone(pid, 30_000);
    },
  };
}

function supervisordRun(dir: string, programs: readonly Program[], env: NodeJS.ProcessEnv): PeerRun {
  const conf = join(dir, 'supervisord.conf');
  const socket = join(dir, 'supervisor.sock');
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const escape = (text: string): string => text.replaceAll('%', '%%');
  const lines = [
    '[unix_http_server]',
    `file=${socket}`,
    '[supervisord]',
    `logfile=${join(dir, 'supervisord.log')}`,
    `pidfile=${join(dir, 'supervisord.pid')}`,
    `childlogdir=${dir}`,
    // 500 programs hold 1,000 pipes; supervisord refuses to start below minfds.
    'minfds=4096',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '[supervisorctl]',
    `serverurl=unix://${socket}`,
  ];
  for (const program of programs) {
    lines.push(
      `[program:${program.name}]`,
      `command=${escape(program.argv.join(' '))}`,
      `autostart=${program.autostart}`,
      ...(program.oneshot ? ['autorestart=false', 'startsecs=0'] : []),
      `stdout_logfile=${join(logs, `${program.name}.out.log`)}`,
      'stdout_logfile_maxbytes=0',
      'stdout_logfile_backups=0',
      `stderr_logfile=${join(logs, `${program.name}.err.log`)}`,
      'stderr_logfile_maxbytes=0',
      'stderr_logfile_backups=0',
    );
  }
  writeFileSync(conf, `${lines.join('\n')}\n`);
  let child: ChildProcess | null = null;
  const ctl = (...args: string[]): Promise<string> => run(SUPERVISORCTL, ['-c', conf, ...args], { env });
  return {
    async start() {
      // In the foreground (-n), our child in its own group: its pid is known and it can always be ended.
      child = spawn(SUPERVISORD, ['-n', '-c', conf], { env, detached: true, stdio: 'ignore' });
      const deadline = Date.now() + 30_000;
      while (!existsSync(socket)) {
        if (child.exitCode !== null) throw new Error(`supervisord exited ${child.exitCode}; see ${dir}`);
        if (Date.now() > deadline) throw new Error('supervisord did not open its socket in 30 s');
        await sleep(5);
      }
    },
    pid: () => child?.pid ?? Number.NaN,
    startProgram: async (name) => void (await ctl('start', name)),
    logFiles: (name) => [join(logs, `${name}.out.log`), join(logs, `${name}.err.log`)],
    async stop() {
      if (child?.pid === undefined) return;
      const pid = child.pid;
      try {
        if (isAlive(pid)) await ctl('shutdown');
        await waitGone(pid, 30_000);
      } finally {
        if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
      }
    },
  };
}

function pm2Run(bin: string, dir: string, programs: readonly Program[], baseEnv: NodeJS.ProcessEnv): PeerRun {
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

function executable(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** pm2: OVRSEER_PM2_BIN (the file, or the folder .ci/run points at), .ci/cache, or pm2@7 installed in a temp cache. */
async function findPm2(): Promise<{ bin: string | null; why: string }> {
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
      return { bin: null, why: `pm2 is not installed and \`npm install pm2@7\` failed: ${(error as Error).message}` };
    }
  }
  return executable(installed)
    ? { bin: installed, why: `npm install --prefix ${prefix} pm2@7` }
    : { bin: null, why: `npm installed pm2@7 but ${installed} is not there` };
}

/** The peers that can run here, and a line for each of the others saying why not. */
export async function findPeers(): Promise<{ peers: Peer[]; notes: string[] }> {
  const peers: Peer[] = [{ name: 'ovrseer', open: ovrseerRun }];
  const notes: string[] = [];
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` (\`npm run bench\` does)`);
  if (executable(SUPERVISORD) && executable(SUPERVISORCTL)) {
    const version = (await run(SUPERVISORD, ['--version'], { env: process.env })).trim();
    peers.push({ name: 'supervisord', open: supervisordRun });
    notes.push(`supervisord ${version} (${SUPERVISORD})`);
  } else notes.push(`supervisord: — (${SUPERVISORD} is not installed: apt-get install supervisor)`);
  const pm2 = await findPm2();
  const bin = pm2.bin;
  if (bin === null) notes.push(`pm2: — (${pm2.why})`);
  else {
    peers.push({ name: 'pm2', open: (dir, programs, env) => pm2Run(bin, dir, programs, env) });
    notes.push(`pm2 from ${pm2.why}`);
  }
  return { peers, notes };
}
