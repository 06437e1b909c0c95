import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_USAGE, ExitRequest } from '../exit-codes.js';
import { EXPORT_FORMATS } from '../export/types.js';
import { VERSION } from '../version.js';
import type { ExportCommandOptions } from './commands/export.js';
import type { LogsOptions } from './commands/logs.js';
import type { ReportsOptions } from './commands/reports.js';
import type { UpOptions } from './commands/up.js';
import { reportError } from './report-error.js';

type UpCliOptions = Omit<UpOptions, 'names'> & {
  abortOnContainerExit?: boolean;
  abortOnContainerFailure?: boolean;
};

function buildProgram(): Command {
  const program = new Command('ovrseer')
    .description(
      'Start a set of processes in dependency order, watch them, and stop them with nothing left behind.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('up')
    .description('start the project (or the named processes and what they depend on) in the foreground')
    .argument('[names...]', 'processes to start, with their dependencies (default: all)')
    .option('-f, --file <file>', 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)')
    .option(
      '--env <name>',
      'environment: .env, .env.<name>, .env.local, .env.<name>.local, environments.<name> (default: $OVRSEER_ENV)',
    )
    .option(
      '-p, --port <port>',
      'base port of a Procfile: PORT is port + 100 per process, + 1 per instance',
      parsePort,
    )
    .option(
      '-m, --formation <counts>',
      'instances per process: web=2,worker=1 (all=N for the rest, =0 disables)',
    )
    .option(
      '-e, --env-file <files>',
      "env files to load instead of a Procfile's .env (as foreman), after the others otherwise (comma-separated; each must exist)",
      collectList,
    )
    .option('--no-deps', "start the named processes without what they depend on (compose's --no-deps)")
    .option(
      '--no-tui',
      'plain prefixed output instead of the terminal UI (also when not a terminal, or CI is set)',
    )
    .option(
      '--profile <profiles>',
      'compose: also run the services of these profiles (comma-separated; default: $COMPOSE_PROFILES)',
      collectList,
    )
    .option('--abort-on-exit', 'stop everything when any main process exits, and exit with its code')
    .option('--abort-on-failure', 'stop everything when any main process fails, and exit with its code')
    .option('--exit-code-from <name>', "exit with this process's code (implies --abort-on-exit)")
    .addOption(new Option('--abort-on-container-exit', "compose's name of --abort-on-exit").hideHelp())
    .addOption(new Option('--abort-on-container-failure', "compose's name of --abort-on-failure").hideHelp())
    .option('-d, --detach', 'start a detached supervisor, print the process table and return')
    .option('--dashboard', 'also serve the web dashboard (as `ovrseer dashboard`) and open it in a browser')
    .option('--dashboard-port <port>', 'port of the dashboard (default: a free one)', parsePort)
    .option(
      '--dashboard-host <host>',
      'address of the dashboard (as `ovrseer dashboard --host`): loopback unless settings.api.token is set',
    )
    .option('--no-open', 'with --dashboard: print its URL only; do not open a browser')
    .option(
      '--wait',
      "compose's up --wait: as -d, returning once every process is ready (exit 1 if one failed)",
    )
    .action(async (names: string[], options: UpCliOptions) => {
      const { runUp } = await import('./commands/up.js');
      const { abortOnContainerExit, abortOnContainerFailure, ...rest } = options;
      const code = await runUp({
        names,
        ...rest,
        ...(abortOnContainerExit ? { abortOnExit: true } : {}),
        ...(abortOnContainerFailure ? { abortOnFailure: true } : {}),
      });
      throw new ExitRequest(code);
    });

  registerControlCommands(program);

  program
    .command('init')
    .description('write ovrseer.yml from a Procfile, package.json, compose, pm2 or process-compose file here')
    .option('--from <source>', 'procfile, package.json, compose, pm2, process-compose, or a file name')
    .option('--force', 'overwrite an existing ovrseer.yml')
    .option('--stdout', 'print the result instead of writing it')
    .action(async (options: { from?: string; force?: boolean; stdout?: boolean }) => {
      const { runInit } = await import('./commands/init.js');
      throw new ExitRequest(runInit(options));
    });

  program
    .command('validate')
    .description('check the config file and print a one-line summary')
    .option('-f, --file <file>', 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)')
    .addOption(
      new Option('--env <name>', 'environment: .env.<name> and the rest, as for up (default: $OVRSEER_ENV)'),
    )
    .action(async (options: { file?: string; env?: string }) => {
      const { runValidate } = await import('./commands/validate.js');
      throw new ExitRequest(runValidate(options));
    });

  program
    .command('graph')
    .description('print the dependency graph as a tree (edges: what each process waits for)')
    .option('-f, --file <file>', 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)')
    .option('--env <name>', 'environment: .env.<name> and the rest, as for up (default: $OVRSEER_ENV)')
    .addOption(new Option('--json', 'as JSON: {nodes, edges, processes}').conflicts('dot'))
    .option('--dot', 'as Graphviz dot (pipe into `dot -Tsvg`)')
    .action(async (options: { file?: string; env?: string; json?: boolean; dot?: boolean }) => {
      const { runGraph } = await import('./commands/graph.js');
      throw new ExitRequest(runGraph(options));
    });

  program
    .command('export')
    .description('write the project for systemd, supervisord, docker compose or Kubernetes')
    .addArgument(new Argument('<format>', 'the target').choices(EXPORT_FORMATS))
    .requiredOption('-o, --output <dir>', 'directory to write the files to (created if missing)')
    .option('-f, --file <file>', 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)')
    .option('--env <name>', 'environment: .env.<name> and the rest, as for up (default: $OVRSEER_ENV)')
    .option('--app <name>', 'prefix of units, programs and objects (default: the project name)')
    .option('--user <user>', 'systemd, supervisord: run the processes as this user')
    .option(
      '--image <image>',
      'compose: the image to run in (node:20-bookworm-slim); kubernetes: <app>:latest',
    )
    .option('--log-dir <dir>', 'supervisord: where the log files go (default: /var/log/supervisor)')
    .option('--force', 'replace files that exist already')
    .action(async (format: string, options: ExportCommandOptions) => {
      const { runExport } = await import('./commands/export.js');
      throw new ExitRequest(await runExport(format, options));
    });

  program
    .command('reports')
    .description('list crash reports (newest first), or print one; works without a running supervisor')
    .argument('[id]', 'the report to print (a unique prefix is enough)')
    .option('-f, --file <file>', 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)')
    .option('--env <name>', 'environment: .env.<name> and the rest, as for up (default: $OVRSEER_ENV)')
    .option('--json', 'as JSON: a list of {id, process, type, time, reason, …}, or the whole report')
    .option('--process <name>', 'only this process (a name matches all its instances)')
    .option('--type <type>', 'only this type: crash, maxRetriesExceeded, readyTimeout, dependencyFailed, …')
    .option('--since <time>', 'only reports since a duration ago (30m, 2h) or an ISO date')
    .action(async (id: string | undefined, options: Omit<ReportsOptions, 'id'>) => {
      const { runReports } = await import('./commands/reports.js');
      throw new ExitRequest(await runReports({ ...options, ...(id === undefined ? {} : { id }) }));
    });

  program
    .command('logs')
    .description('show the logs of the project or of the named processes, from its log files')
    .argument('[names...]', 'name, name.N (one replica), group:G, tag:T (default: every process)')
    .option('-f, --follow', 'keep printing lines as they are written, across rotations (Ctrl-C ends)')
    .option(
      '-n, --lines <N>',
      'the newest N lines, "all", or 0 for none of the earlier ones (with -f: only new lines) (default: 100; all matches with --grep/--since/--level)',
    )
    .option('--grep <regex>', 'only lines matching this regular expression (colour codes are ignored)')
    .option('-F, --fixed-strings', 'take --grep as plain text')
    .option('-i, --ignore-case', 'match --grep regardless of case')
    .option('--since <time>', 'only lines from this long ago (30s, 5m, 2h) or since this ISO time')
    .option('--until <time>', 'only lines before this long ago or this ISO time')
    .option('--level <level>', 'only lines at this level or above: debug, info, warn, error')
    .option('--json', 'one JSON object per line: {"time","process","stream","level","text"}')
    .option('--file <file>', 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)')
    .action(async (names: string[], options: Omit<LogsOptions, 'names'>) => {
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      try {
        const { runLogs } = await import('./commands/logs.js');
        throw new ExitRequest(await runLogs({ ...options, names, signal: controller.signal }));
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });

  program
    .command('schema')
    .description('print the JSON Schema of ovrseer.yml (for editor completion)')
    .action(async () => {
      const { projectJsonSchema } = await import('../config/json-schema.js');
      process.stdout.write(`${JSON.stringify(projectJsonSchema(), null, 2)}\n`);
    });

  return program;
}

const FILE_HELP = 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)';

/** Commands that talk to a running supervisor through its API; modules load only when used. */
function registerControlCommands(program: Command): void {
  program
    .command('ps')
    .description('list the processes of the running project')
    .option('-f, --file <file>', FILE_HELP)
    .option(
      '--json',
      'as JSON: one object per instance {name, status, health, pid, restarts, uptime_ms, cpu, memory, reason, …}',
    )
    .action(async (options: { file?: string; json?: boolean }) => {
      const { runPs } = await import('./commands/control.js');
      throw new ExitRequest(await runPs(options));
    });
  for (const action of ['start', 'stop', 'restart'] as const) {
    program
      .command(action)
      .description(`${action} processes of the running project`)
      .argument('<targets...>', 'name, name.N, group:G, tag:T or all')
      .option('-f, --file <file>', FILE_HELP)
      .action(async (targets: string[], options: { file?: string }) => {
        const { runAction } = await import('./commands/control.js');
        throw new ExitRequest(await runAction(action, targets, options));
      });
  }
  program
    .command('scale')
    .description('set the number of replicas: scale worker=3 api=2')
    .argument('<assignments...>', 'NAME=N')
    .option('-f, --file <file>', FILE_HELP)
    .action(async (assignments: string[], options: { file?: string }) => {
      const { runScale } = await import('./commands/control.js');
      throw new ExitRequest(await runScale(assignments, options));
    });
  program
    .command('tui')
    .description('attach the terminal UI to the running (detached) project: processes, logs, actions')
    .option('-f, --file <file>', FILE_HELP)
    .option('--no-mouse', 'leave the mouse to the terminal (the wheel then does not scroll the logs)')
    .action(async (options: { file?: string; mouse?: boolean }) => {
      const { runTui } = await import('./commands/tui.js');
      throw new ExitRequest(await runTui(options));
    });
  program
    .command('dashboard')
    .description('serve the web dashboard of the running project on this machine and open it in a browser')
    .option('-f, --file <file>', FILE_HELP)
    .option('--port <port>', 'port to listen on (default: a free one)', parsePort)
    .option('--host <host>', 'address to listen on: loopback unless settings.api.token is set', '127.0.0.1')
    .option('--no-open', 'print the URL only; do not open a browser')
    .action(async (options: { file?: string; port?: number; host?: string; open?: boolean }) => {
      const { runDashboard } = await import('./commands/dashboard.js');
      throw new ExitRequest(await runDashboard(options));
    });
  program
    .command('down')
    .description('stop the running project gracefully (cleanup processes included) and wait until it is gone')
    .option('-f, --file <file>', FILE_HELP)
    .action(async (options: { file?: string }) => {
      const { runDown } = await import('./commands/down.js');
      throw new ExitRequest(await runDown(options));
    });
  program
    .command('exec')
    .description("run a command with a process's environment and working directory: exec api -- npm test")
    .argument('<name>', 'the process')
    .argument('<command...>', 'the command and its arguments (after --)')
    .option('-f, --file <file>', FILE_HELP)
    .action(async (name: string, command: string[], options: { file?: string }) => {
      const { runExec } = await import('./commands/exec-attach.js');
      throw new ExitRequest(await runExec(name, command, options));
    });
  program
    .command('attach')
    .description("show a process's output and send it your input; Ctrl-] detaches")
    .argument('<name>', 'the process')
    .option('-f, --file <file>', FILE_HELP)
    .action(async (name: string, options: { file?: string }) => {
      const { runAttach } = await import('./commands/exec-attach.js');
      throw new ExitRequest(await runAttach(name, options));
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('expected a port number (1-65535)');
  }
  return port;
}

/** `-e a.env,b.env -e c.env` → [a.env, b.env, c.env]. */
function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((item) => item !== '')];
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return handleError(error);
  }
}

function handleError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and --version exit through here with code 0; usage mistakes get exit code 2.
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  return reportError(error);
}
