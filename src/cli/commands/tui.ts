import { basename } from 'node:path';
import type { ProjectSpec } from '../../config/spec.js';
import { errorMessage, OvrseerError } from '../../errors.js';
import { EXIT_FAILURE, EXIT_OK } from '../../exit-codes.js';
import { shouldUseColor } from '../../terminal/format.js';
import type { QuitKind } from '../../tui/controller.js';
import { importTui } from '../../tui/load.js';
import { isCi } from '../../tui/should-use.js';
import { locateSupervisor } from '../locate.js';

export interface TuiCommandOptions {
  file?: string;
  /** `--no-mouse` sets it false. @default true */
  mouse?: boolean;
  cwd?: string;
}

/**
 * `ovrseer tui`: the terminal UI attached to a detached supervisor through its API. Leaving it
 * (`q`, Ctrl-C, SIGTERM, SIGHUP) leaves the processes running; `ovrseer down` stops them.
 */
export async function runTui(options: TuiCommandOptions): Promise<number> {
  const { stdout, stdin } = process;
  if (stdout.isTTY !== true || stdin.isTTY !== true) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      'ovrseer tui needs a terminal (stdin and stdout must be TTYs); in scripts use `ovrseer ps` and `ovrseer logs -f`',
    );
  }
  if (isCi(process.env)) {
    throw new OvrseerError('OVRSEER_USAGE', 'ovrseer tui does not run with CI set (unset CI to use it)');
  }
  const cwd = options.cwd ?? process.cwd();
  const client = await locateSupervisor({
    cwd,
    ...(options.file === undefined ? {} : { file: options.file }),
  });
  // Loaded after the supervisor is found, so `ovrseer tui` with nothing running fails fast.
  const [{ RemoteSource }, { mountTui }] = await importTui(() =>
    Promise.all([import('../../tui/remote-source.js'), import('../../tui/mount.js')]),
  );
  const { spec, problem } = await readSpec(cwd, options.file);
  const source = new RemoteSource(client, { spec, project: basename(cwd) });
  await source.refresh();
  let leave: (how: QuitKind | NodeJS.Signals) => void = () => undefined;
  const left = new Promise<QuitKind | NodeJS.Signals>((resolve) => {
    leave = resolve;
  });
  const ui = mountTui(source, {
    color: shouldUseColor(stdout),
    mouse: options.mouse ?? true,
    onQuit: (kind) => leave(kind),
  });
  if (problem !== null)
    ui.controller.notify('warn', `the config could not be read here (${problem}): details show less`);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals): void => leave(signal);
  for (const signal of signals) process.on(signal, onSignal);
  try {
    const ended = await Promise.race([left.then(() => null), ui.ended]);
    if (ended !== null) {
      await ui.close();
      process.stderr.write(`ovrseer: the terminal UI failed: ${ended.message}\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    await ui.close();
    await source.close();
  }
}

async function readSpec(
  cwd: string,
  file: string | undefined,
): Promise<{ spec: ProjectSpec | null; problem: string | null }> {
  try {
    const { loadProject } = await import('../../config/load.js');
    return { spec: loadProject({ cwd, ...(file === undefined ? {} : { file }) }), problem: null };
  } catch (error) {
    // The supervisor runs from what it loaded at start; the file here may have changed since.
    return { spec: null, problem: errorMessage(error) };
  }
}
