/**
 * The three supervisors of the peers benchmark behind one interface: each gets the same programs,
 * logs each program's stdout and stderr to its own file in the run's directory, never rotates them,
 * and is started, driven and ended with its own commands.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findPm2, pm2Run } from './peers-pm2.js';
import { isAlive } from './peers-proc.js';
import { executable, ROOT, run, waitGone } from './peers-run.js';
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

const BIN = join(ROOT, 'dist/cli/bin.js');
const SUPERVISORD = '/usr/bin/supervisord';
const SUPERVISORCTL = '/usr/bin/supervisorctl';
const GB = 1024 ** 3;

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
  const cli = (...args: string[]): Promise<string> =>
    run(process.execPath, [BIN, ...args], { cwd: dir, env });
  let pid = Number.NaN;
  return {
    async start() {
      await cli('up', '-d');
      pid = (
        JSON.parse(readFileSync(join(dir, '.ovrseer', 'state.json'), 'utf8')) as {
          supervisor: { pid: number };
        }
      ).supervisor.pid;
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
  const percentEscaped = (text: string): string => text.replaceAll('%', '%%');
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
      `command=${percentEscaped(program.argv.join(' '))}`,
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

/** From its package.json: `pm2 --version` would start a God daemon in ~/.pm2. */
function pm2Version(bin: string): string {
  const manifest = join(dirname(realpathSync(bin)), '..', 'package.json');
  return existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
    : '?';
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
    notes.push(`pm2 ${pm2Version(bin)} from ${pm2.why}`);
  }
  return { peers, notes };
}
