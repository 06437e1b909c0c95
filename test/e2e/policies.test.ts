import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupHarnesses, harness } from '../helpers/harness.js';
import { fixtureCommand } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

afterEach(cleanupHarnesses);

describe('restart policies', () => {
  it('a process that exits every 30 ms trips the crash-loop breaker: failed, explained, a report per crash', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  crasher:
    command: ${fixtureCommand('exit-with.mjs', 1, 30)}
    restart: { policy: always, delay: 10ms, backoff: 1, min_uptime: 5s, crash_loop: { max_crashes: 5, window: 1m } }
`);
    await h.manager.start();
    await waitFor(() => h.stateOf('crasher') === 'failed', 'crasher failed');
    const crasher = h.manager.get('crasher');
    expect(crasher?.reason).toMatch(
      /^crash loop: crashed 5 times in [\d.]+m?s \(crash_loop: max_crashes 5 within 1m\); last run exited with code 1$/,
    );
    expect(crasher?.counters()).toMatchObject({ restarts: 4, crashes: 5, lastExitCode: 1 });
    expect(crasher?.restartHistory()).toHaveLength(5);
    // The four crashes that were restarted each filed a report; the fifth is the give-up.
    expect(h.reports.map((report) => report.type)).toEqual([
      'crash',
      'crash',
      'crash',
      'crash',
      'maxRetriesExceeded',
    ]);
    const giveUp = h.reports[4];
    expect(giveUp?.restartHistory).toHaveLength(5);
    expect(giveUp?.lines.some((line) => line.text.includes('exiting with 1'))).toBe(true);
    // No further restart comes.
    expect(h.states.filter((event) => event.process === 'crasher' && event.to === 'starting')).toHaveLength(
      5,
    );
  });

  it('a manual restart clears a tripped breaker', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  crasher:
    command: ${fixtureCommand('exit-with.mjs', 1)}
    restart: { policy: always, delay: 10ms, backoff: 1, min_uptime: 5s, crash_loop: { max_crashes: 2, window: 1m } }
`);
    await h.manager.start();
    await waitFor(() => h.stateOf('crasher') === 'failed', 'crasher failed');
    await h.manager.restart(['crasher']);
    await waitFor(
      () => h.states.filter((event) => event.process === 'crasher' && event.to === 'failed').length === 2,
      'failed again after the manual restart',
    );
    expect(h.states.filter((event) => event.process === 'crasher' && event.to === 'starting')).toHaveLength(
      4,
    );
  });

  it('a process that crashes twice then stays up is running with restart count 2', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  flaky:
    command: ${fixtureCommand('crash-then-run.mjs', 'runs.txt', 2)}
    restart: { policy: on-failure, delay: 20ms, backoff: 1 }
`);
    await h.manager.start();
    await waitFor(() => h.lines('flaky').includes('run 3: staying up'), 'third run stays up');
    await waitFor(() => h.stateOf('flaky') === 'running', 'running');
    const flaky = h.manager.get('flaky');
    expect(flaky?.info().restarts).toBe(2);
    expect(flaky?.counters()).toMatchObject({ restarts: 2, crashes: 2, lastExitCode: 1 });
    expect(flaky?.restartHistory().map((record) => record.delay)).toEqual([20, 20]);
    expect(h.reports.map((report) => [report.type, report.exitCode, report.context])).toEqual([
      ['crash', 1, { restart: 1, delay: 20 }],
      ['crash', 1, { restart: 2, delay: 20 }],
    ]);
  });

  it('a stop by the user never triggers the policy, even with restart: always', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  steady: { command: ${fixtureCommand('sleeper.mjs')}, restart: always }
`);
    await h.manager.start();
    await h.manager.stop(['steady']);
    expect(h.path('steady').slice(-2)).toEqual(['running>stopping', 'stopping>stopped']);
    expect(h.manager.get('steady')?.counters().restarts).toBe(0);
  });

  it('files a crash report when a process crashes for good', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  once:
    command: ${fixtureCommand('exit-with.mjs', 9)}
    env: { API_TOKEN: "s3cr3t-value" }
`);
    await h.manager.start();
    await waitFor(() => h.stateOf('once') === 'crashed', 'crashed');
    expect(h.reports).toHaveLength(1);
    expect(h.reports[0]).toMatchObject({
      type: 'crash',
      process: 'once',
      exitCode: 9,
      reason: 'exited with code 9',
    });
    expect(h.reports[0]?.env.API_TOKEN).toBe('s3cr3t-value');
  });
});

describe('restart triggers', () => {
  it('a watched file edit restarts the process exactly once, naming the file', async () => {
    const h = harness(
      `
name: "{{name}}"
processes:
  dev:
    command: ${fixtureCommand('sleeper.mjs')}
    watch: { paths: [src], ignore: ["**/*.tmp"], debounce: 100ms }
`,
      { 'src/app.js': 'one\n', 'src/ignored.tmp': 'x\n' },
    );
    await h.manager.start();
    appendFileSync(join(h.project.dir, 'src/ignored.tmp'), 'ignored change\n');
    writeFileSync(join(h.project.dir, 'src/app.js'), 'two\n');
    appendFileSync(join(h.project.dir, 'src/app.js'), 'three\n');
    await waitFor(
      () => h.path('dev').filter((step) => step === 'starting>running').length === 2,
      'restarted',
    );
    const stopping = h.states.find((event) => event.process === 'dev' && event.to === 'stopping');
    expect(stopping?.reason).toMatch(/^watch: src\/app\.js changed/);
    // Give a second restart every chance to happen (several debounce periods), then check it did not.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(h.path('dev').filter((step) => step === 'starting>running')).toHaveLength(2);
  });
});
