import { basename } from 'node:path';
import type { ProjectSpec } from '../config/spec.js';
import { appName, dependenciesOf, instancesOf } from './common.js';
import { envFileText, envLayout, planEnvFiles } from './env.js';
import { noteEngineOnly, noteProject, noteRestart, noteSelectors } from './losses.js';
import { Notes } from './notes.js';
import { cleanupUnit, serviceUnit, type UnitContext, unitName } from './systemd-service.js';
import type { ExportFile, ExportOptions, ExportResult } from './types.js';
import { renderUnit } from './unit-file.js';

const TARGET = 'systemd';

export function exportHeader(spec: ProjectSpec): string {
  const source = spec.file === null ? 'a project spec' : basename(spec.file);
  return `Exported by ovrseer from ${source}: change that file and export again rather than editing this one.`;
}

/**
 * `<app>.target` and a unit per process (per replica: `<app>-<name>-N.service`), plus `<app>.env` for
 * the variables every process shares and `<app>-<name>.env` for a process's own secrets (both 0600:
 * unit files are readable by every user, and `systemctl show` prints their environment).
 */
export function exportSystemd(spec: ProjectSpec, options: ExportOptions): ExportResult {
  const app = appName(spec, options.app);
  const notes = new Notes();
  noteProject(notes, spec, TARGET);
  const plan = planEnvFiles(envLayout(spec.processes));
  const files: ExportFile[] = [];
  const envFiles = new Map<string, string[]>();
  const sharedFile = `${app}.env`;
  if (Object.keys(plan.shared).length > 0) {
    files.push({
      name: sharedFile,
      content: envFileText(plan.shared, `${app}: shared by every process`),
      mode: 0o600,
    });
  }
  for (const process of spec.processes) {
    const own = plan.secret.get(process.name) ?? {};
    const names = Object.keys(plan.shared).length > 0 ? [sharedFile] : [];
    if (Object.keys(own).length > 0) {
      const name = `${app}-${process.name}.env`;
      files.push({ name, content: envFileText(own, `${app} ${process.name}: its secrets`), mode: 0o600 });
      names.push(name);
    }
    envFiles.set(process.name, names);
  }
  const ctx: UnitContext = {
    app,
    options,
    notes,
    units: new Map(spec.processes.map((p) => [p.name, instancesOf(p).map((i) => unitName(app, i))])),
    deps: dependenciesOf(spec),
    envFiles,
    inline: plan.inline,
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
    if (process.disabled) notes.process(process.name, 'disabled', 'written, but not started by the target');
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
    notTranslated: notes.items,
    next: [
      `sudo cp ${options.outDir}/*.target ${options.outDir}/*.service /etc/systemd/system/`,
      `sudo systemctl daemon-reload && sudo systemctl enable --now ${app}.target`,
      `(the env files stay in ${options.outDir}: the units read them from there)`,
    ],
  };
}
