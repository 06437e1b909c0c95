import type { ProjectSpec } from '../config/spec.js';
import { appName, dependenciesOf, exportHeader, instancesOf } from './common.js';
import { envFiles, SYSTEMD_FORMAT } from './env.js';
import { noteEngineOnly, noteProject, noteRestart, noteSelectors } from './losses.js';
import { Notes } from './notes.js';
import { cleanupUnit, serviceUnit, type UnitContext, unitName } from './systemd-service.js';
import type { ExportFile, ExportOptions, ExportResult } from './types.js';
import { renderUnit } from './unit-file.js';

const TARGET = 'systemd';

/**
 * `<app>.target` and a unit per process (per replica: `<app>-<name>-N.service`), plus `<app>.env` for
 * the variables every process shares and `<app>-<name>.env` for a process's own secrets (both 0600:
 * unit files are readable by every user, and `systemctl show` prints their environment).
 */
export function exportSystemd(spec: ProjectSpec, options: ExportOptions): ExportResult {
  const app = appName(spec, options.app);
  const notes = new Notes();
  noteProject(notes, spec, TARGET);
  const env = envFiles(spec.processes, app, SYSTEMD_FORMAT);
  const files: ExportFile[] = [...env.files];
  const ctx: UnitContext = {
    app,
    options,
    notes,
    units: new Map(spec.processes.map((p) => [p.name, instancesOf(p).map((i) => unitName(app, i))])),
    deps: dependenciesOf(spec),
    envFiles: env.refs,
    inline: env.inline,
    header: [exportHeader(spec)],
    shutdownTimeout: spec.settings.shutdownTimeout,
  };
  const running = spec.processes
    .filter((p) => p.type !== 'cleanup')
    .flatMap((p) => ctx.units.get(p.name) ?? []);
  const wanted: string[] = [];
  for (const process of spec.processes) {
    for (const instance of instancesOf(process)) {
      const name = unitName(app, instance);
      const content =
        process.type === 'cleanup' ? cleanupUnit(ctx, instance, running) : serviceUnit(ctx, instance);
      files.push({ name, content, mode: 0o644 });
      if (!process.disabled) wanted.push(name);
    }
    noteEngineOnly(notes, process, TARGET);
    noteSelectors(notes, process, TARGET);
    if (process.health !== null && process.health.onFailure === 'restart') {
      notes.process(
        process.name,
        'health',
        'systemd has no health checks (WatchdogSec= needs sd_notify in the program)',
      );
    }
    if (process.limits.cpu !== null) {
      notes.process(process.name, 'limits.cpu_action', 'CPUQuota= throttles the process instead');
    }
    noteRestart(notes, process, {
      backoff: 'systemd 252 waits a constant RestartSec= (RestartSteps= needs systemd 254)',
      max_delay: 'systemd 252 waits a constant RestartSec= (RestartMaxDelaySec= needs systemd 254)',
      min_uptime: 'the start limit counts every start in StartLimitIntervalSec=, however long it ran',
      reset_after: 'the start limit counts every start in StartLimitIntervalSec=, however long it ran',
    });
  }
  files.unshift({
    name: `${app}.target`,
    content: renderUnit([exportHeader(spec), `Start everything: systemctl start ${app}.target`], {
      Unit: [
        ['Description', `${app} (exported by ovrseer)`],
        ['Wants', wanted.join(' ')],
      ],
      Install: [['WantedBy', 'multi-user.target']],
    }),
    mode: 0o644,
  });
  return {
    format: 'systemd',
    files,
    notTranslated: notes.ordered(spec.processes),
    next: [
      `sudo cp ${options.outDir}/*.target ${options.outDir}/*.service /etc/systemd/system/`,
      `sudo systemctl daemon-reload && sudo systemctl enable --now ${app}.target`,
      ...(env.files.length > 0
        ? [`(the env files stay in ${options.outDir}: the units read them from there)`]
        : []),
    ],
  };
}
