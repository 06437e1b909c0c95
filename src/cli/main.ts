import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_USAGE, ExitRequest } from '../exit-codes.js';
import { EXPORT_FORMATS } from '../export/types.js';
import { VERSION } from '../version.js';
import type { ExportCommandOptions } from './commands/export.js';
import type { LogsOptions } from './commands/logs.js';
import type { ReportsOptions } from './commands/reports.js';
import type { UpOptions } from './commands/up.js';
import { addProjectOption } from './project-option.js';
import { reportError } from './report-error.js';

type UpCliOptions = Omit<UpOptions, 'names'> & {
  abortOnContainerExit?: boolean;
  abortOnContainerFailure?: boolean;
};

export function buildProgram(): Command {
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
      "base port of a Procfile: PORT is port + 100 per process, + 1 per instance (foreman's -p; on the other commands -p is the project)",
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
    .option(
      '--from-snapshot <file>',
      'restore the process set of a snapshot: its config and replicas; what ran runs, what was stopped stays stopped',
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
  registerSnapshotCommands(program);

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
    .addOption(
      new Option(
        '--timings',
        'the critical chain of the last start, with how long each gate took (asks the running supervisor)',
      ).conflicts('dot'),
    )
    .action(
      async (options: { file?: string; env?: string; json?: boolean; dot?: boolean; timings?: boolean }) => {
        if (options.timings) {
          const { runGraphTimings } = await import('./commands/why.js');
          throw new ExitRequest(await runGraphTimings(options));
        }
        const { runGraph } = await import('./commands/graph.js');
        throw new ExitRequest(runGraph(options));
      },
    );

  program
    .command('why')
    .description(
      'print what holds a process back: the chain of conditions, each with its state and since when',
    )
    .argument('<name>', 'a process (name or name.N)')
    .option('-f, --file <file>', 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)')
    .option(
      '--json',
      'as JSON: {process, state, waiting, conditions: [{label, state, since, blockedBy}], firstCause}',
    )
    .action(async (name: string, options: { file?: string; json?: boolean }) => {
      const { runWhy } = await import('./commands/why.js');
      throw new ExitRequest(await runWhy(name, options));
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

  // Last: every command with --file registered above (and only those) gets -p PROJECT.
  addProjectOption(program);
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
    .addOption(
      new Option(
        '-a, --all',
        'the processes of every running project (`ovrseer ls`), with a PROJECT column',
      ).conflicts(['file', 'project']),
    )
    .action(async (options: { file?: string; json?: boolean; all?: boolean }) => {
      if (options.all) {
        const { runPsAll } = await import('./commands/projects.js');
        throw new ExitRequest(await runPsAll(options));
      }
      const { runPs } = await import('./commands/control.js');
      throw new ExitRequest(await runPs(options));
    });
  program
    .command('ls')
    .alias('projects')
    .description('list every running project of this user: directory, processes up/total, ports, uptime')
    .option(
      '--json',
      'as JSON: [{project, directory, config_file, pid, up, total, ports, shared_ports, uptime_ms, …}]',
    )
    .action(async (options: { json?: boolean }) => {
      const { runProjects } = await import('./commands/projects.js');
      throw new ExitRequest(await runProjects(options));
    });
  const descriptions = {
    start: 'start processes of the running project',
    stop: 'stop processes of the running project',
    restart: 'restart processes of the running project',
    pause: 'pause processes (SIGSTOP to the whole tree; probes wait) until resumed',
    resume: 'resume paused processes (SIGCONT) in the state they were paused in',
  } as const;
  for (const action of ['start', 'stop', 'restart', 'pause', 'resume'] as const) {
    program
      .command(action)
      .description(descriptions[action])
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
    .command('reload')
    .description(
      're-read the config and apply only the difference: start added, stop removed, restart changed',
    )
    .option('-f, --file <file>', FILE_HELP)
    .option('--dry-run', 'print the plan (process, action, why) and change nothing')
    .option(
      '--json',
      'the plan and the outcome as JSON: {plan: {entries, settings, needsDownUp}, applied, result}',
    )
    .action(async (options: { file?: string; dryRun?: boolean; json?: boolean }) => {
      const { runReload } = await import('./commands/reload.js');
      throw new ExitRequest(await runReload(options));
    });
  program
    .command('adopt')
    .description('track a running process ovrseer did not start as NAME (its output is not captured)')
    .argument('<name>', 'the configured process to adopt it as')
    .requiredOption('--pid <pid>', 'the process id to adopt')
    .option('-f, --file <file>', FILE_HELP)
    .action(async (name: string, options: { pid: string; file?: string }) => {
      const { runAdopt } = await import('./commands/adopt.js');
      throw new ExitRequest(await runAdopt(name, options));
    });
  program
    .command('send')
    .description('send a JSON message to a process (through $OVRSEER_IPC or its Node IPC channel)')
    .argument('<name>', 'name, name.N, group:G, tag:T, all, or * for every listening process')
    .argument('<json>', 'the message: any JSON value, e.g. \'{"reload": true}\'')
    .option('-f, --file <file>', FILE_HELP)
    .action(async (name: string, json: string, options: { file?: string }) => {
      const { runSend } = await import('./commands/send.js');
      throw new ExitRequest(await runSend(name, json, options));
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
    .command('mcp')
    .description('a Model Context Protocol server over stdio for AI coding agents (README: how to add it)')
    .option('-f, --file <file>', FILE_HELP)
    .action(async (options: { file?: string }) => {
      const { runMcp } = await import('./commands/mcp.js');
      throw new ExitRequest(await runMcp(options));
    });
  program
    .command('completion')
    .description(
      'print the shell completion script: source <(ovrseer completion bash) (README: where to put it)',
    )
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish'] as const))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { runCompletionScript } = await import('./commands/completion.js');
      throw new ExitRequest(runCompletionScript(shell));
    });
  // What the completion scripts run at each Tab; not for people, so not in --help.
  program
    .command('__complete', { hidden: true })
    .argument('<shell>')
    .argument('[words...]')
    .allowUnknownOption()
    .action(async (shell: string, words: string[]) => {
      const { runComplete } = await import('./commands/completion.js');
      throw new ExitRequest(await runComplete(program, shell, words));
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

/** `ovrseer snapshot` and `snapshot show` (docs/snapshots.md). */
function registerSnapshotCommands(program: Command): void {
  const snapshot = program
    .command('snapshot')
    .description(
      'write the running project to one file: config, process states, last log lines, metrics, crash reports',
    )
    .option('-o, --output <file>', 'where to write (default: ovrseer-snapshot-<project>-<time>.json here)')
    .option('--lines <N>', 'newest log lines kept per process instance (default: 200)', parseLines)
    .option('-f, --file <file>', FILE_HELP)
    .action(async (options: { output?: string; lines?: number; file?: string }) => {
      const { runSnapshot } = await import('./commands/snapshot.js');
      throw new ExitRequest(await runSnapshot(options));
    });
  snapshot
    .command('show')
    .description('print a snapshot file (processes as ps does, last lines, reports); needs no supervisor')
    .argument('<file>', 'a file written by `ovrseer snapshot`')
    .option('--json', 'the whole snapshot as JSON, once checked')
    .action(async (file: string, options: { json?: boolean }) => {
      const { runSnapshotShow } = await import('./commands/snapshot.js');
      throw new ExitRequest(runSnapshotShow(file, options));
    });
}

function parseLines(value: string): number {
  const lines = Number(value);
  if (!/^\d+$/.test(value) || lines > 10_000)
    throw new InvalidArgumentError('expected a whole number of lines from 0 to 10000');
  return lines;
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
