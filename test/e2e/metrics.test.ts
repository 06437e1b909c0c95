import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WarningEvent } from '../../src/core/events.js';
import { MetricsSampler } from '../../src/metrics/sampler.js';
import type { MetricsSamplerOptions } from '../../src/metrics/types.js';
import { cleanupHarnesses, type Harness, harness } from '../helpers/harness.js';
import { freePort } from '../helpers/ports.js';
import { pidsIn } from '../helpers/processes.js';
import { FIXTURES, fixtureCommand, NODE } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

const MB = 1024 * 1024;

/** `cpu-ms <n> at <time>` lines of metrics-busy.mjs. */
function cpuReports(lines: readonly string[]): { ms: number; at: number }[] {
  return lines.flatMap((line) => {
    const match = /^cpu-ms (\d+) at (\d+)$/.exec(line);
    return match === null ? [] : [{ ms: Number(match[1]), at: Number(match[2]) }];
  });
}
const samplers: MetricsSampler[] = [];

afterEach(async () => {
  for (const sampler of samplers.splice(0)) await sampler.stop();
  await cleanupHarnesses();
});

/** A sampler on the harness's manager, sampling fast (the figures need only two passes). */
function sample(
  h: Harness,
  options: MetricsSamplerOptions = {},
): { sampler: MetricsSampler; warnings: WarningEvent[] } {
  const sampler = new MetricsSampler(h.manager, { interval: 200, ...options });
  samplers.push(sampler);
  const warnings: WarningEvent[] = [];
  h.manager.on('warning', (warning) => warnings.push(warning));
  sampler.start();
  return { sampler, warnings };
}

describe.skipIf(process.platform !== 'linux')('metrics of whole process trees', () => {
  it('a busy loop shows CPU near one core (as the process itself measures it); an idle one near zero', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  busy: { command: ${fixtureCommand('metrics-busy.mjs')} }
  idle: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    await h.manager.start();
    const { sampler } = sample(h, { interval: 500 });
    // The first figure is "collecting" (null), never a false 0.
    await waitFor(() => sampler.latest('busy') !== null, 'first sample');
    expect(sampler.latest('busy')?.cpu).toBeNull();
    await waitFor(
      () => sampler.history('busy').filter((point) => point.cpu !== null).length >= 6,
      'six figures',
    );
    // Other tests share this machine's 2 cores, so "near 100" is checked against the process's own
    // CPU time over the same span, which contention lowers alike.
    const points = sampler.history('busy').filter((point) => point.cpu !== null);
    const first = points[1];
    const last = points.at(-1);
    const self = cpuReports(h.lines('busy'));
    const at = (time: number) =>
      self.reduce((best, report) => (Math.abs(report.at - time) < Math.abs(best.at - time) ? report : best));
    if (first === undefined || last === undefined) throw new Error('no figures');
    const truth = ((at(last.time).ms - at(first.time).ms) / (at(last.time).at - at(first.time).at)) * 100;
    const measured = points.slice(2).reduce((sum, point) => sum + (point.cpu ?? 0), 0) / (points.length - 2);
    expect(Math.abs(measured - truth)).toBeLessThan(20);
    expect(measured).toBeGreaterThan(30);
    expect(Math.max(...points.map((point) => point.cpu ?? 0))).toBeLessThan(115);
    expect(sampler.latest('idle')?.cpu ?? 100).toBeLessThan(10);
  });

  it('a `sh -c` wrapper reports the memory and the port of its node child', async () => {
    const port = await freePort();
    // `; true` keeps the shell alive as the leader: the server is its child.
    const h = harness(`
name: "{{name}}"
processes:
  web:
    command: "${NODE} ${join(FIXTURES, 'http-server.mjs')} 0; true"
    env: { PORT: "${port}" }
    ready: { log: "listening on" }
`);
    await h.manager.start();
    const { sampler } = sample(h);
    await waitFor(() => (sampler.latest('web')?.ports ?? []).includes(port), `port ${port} in the figures`);
    const latest = sampler.latest('web');
    expect(latest?.processes).toBe(2);
    // The shell alone is ~1 MB: the tree's memory includes node's (tens of MB).
    expect(latest?.memory ?? 0).toBeGreaterThan(20 * MB);
    expect(latest?.fds ?? 0).toBeGreaterThan(3);
    expect(sampler.figures('web')).toMatchObject({ ports: [port], memory: latest?.memory });
    const text = await sampler.metricsText();
    expect(text).toMatch(/^ovrseer_process_memory_bytes\{process="web",name="web",project="[^"]+"\} \d+$/m);
  });

  it('escapees that left the group and the ancestry are counted by their marker', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  spawner: { command: ${fixtureCommand('escapee.mjs')} }
`);
    await h.manager.start();
    await waitFor(() => pidsIn(h.lines('spawner')).length >= 3, 'parent, escapee and daemon pids');
    const { sampler } = sample(h);
    // The parent, the setsid escapee (still its child) and the double-forked daemon (ppid 1).
    await waitFor(() => (sampler.latest('spawner')?.processes ?? 0) >= 3, 'three processes in the tree');
    expect(sampler.latest('spawner')?.memory ?? 0).toBeGreaterThan(3 * 20 * MB);
  });

  it('memory grows in the figures, and over limits.memory the process is restarted with the reason', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  hog:
    command: ${fixtureCommand('metrics-alloc.mjs', 20, 150, 400)}
    limits: { memory: 160MB }
    restart: { policy: "no", delay: 50ms }
`);
    await h.manager.start();
    const { sampler, warnings } = sample(h);
    const seen: number[] = [];
    await waitFor(
      () => {
        const memory = sampler.latest('hog')?.memory;
        if (memory !== undefined && h.manager.get('hog')?.info().restarts === 0) seen.push(memory);
        return (h.manager.get('hog')?.info().restarts ?? 0) >= 1;
      },
      'restarted over its memory limit',
      { timeout: 20_000, interval: 50 },
    );
    expect(Math.max(...seen) - Math.min(...seen)).toBeGreaterThan(60 * MB);
    const crashed = h.states.find((event) => event.process === 'hog' && event.to === 'crashed');
    expect(crashed?.reason).toMatch(/^memory limit 160MB exceeded \(\d+MB\) \(/);
    expect(
      h.lines('hog').some((line) => /^memory limit 160MB exceeded \(.+\): ending the process$/.test(line)),
    ).toBe(true);
    expect(h.reports.map((report) => report.type)).toContain('memoryLimit');
    const report = h.reports.find((r) => r.type === 'memoryLimit');
    expect(report?.context).toMatchObject({ limit: 160 * MB, samplesOverLimit: 2 });
    expect(warnings.filter((w) => w.kind === 'memory')).toHaveLength(1);
    // The policy restarted it ("no" still restarts after a limit, as the limit asked).
    await waitFor(() => h.stateOf('hog') === 'running' && sampler.latest('hog') !== null, 'running again');
  });

  it('cpu over limits.cpu for the window is a warning event', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  busy:
    command: ${fixtureCommand('metrics-busy.mjs')}
    limits: { cpu: 10 }
`);
    await h.manager.start();
    const { warnings } = sample(h, { cpuWindowMs: 600 });
    await waitFor(() => warnings.length > 0, 'a cpu warning');
    expect(warnings[0]).toMatchObject({ process: 'busy', kind: 'cpu' });
    expect(warnings[0]?.message).toMatch(/^cpu \d+% over its limit of 10% for \ds$/);
    expect(h.stateOf('busy')).toBe('running');
  });
});
