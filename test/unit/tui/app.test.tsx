import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../src/tui/app.js';
import { TuiController } from '../../../src/tui/controller.js';
import { FakeSource, row } from './fake-source.js';

const tick = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function mount(
  rows = [
    row({ name: 'db' }),
    row({ name: 'api', status: 'failed', reason: 'gave up after 3 retries', pid: null }),
  ],
  height = 16,
) {
  const source = new FakeSource(rows);
  const controller = new TuiController(source, () => undefined);
  const frames: number[] = [];
  const ui = render(
    <App controller={controller} color width={110} height={height} onFrame={(ms) => frames.push(ms)} />,
  );
  cleanups.push(() => ui.unmount());
  return { source, controller, ui, frames, frame: () => ui.lastFrame() ?? '' };
}

describe('App', () => {
  it('draws a row per process with its state coloured, and the reason of a failed one', () => {
    const { frame } = mount();
    const text = frame();
    expect(text).toMatch(/NAME\s+STATUS\s+HEALTH\s+PID\s+UPTIME/);
    expect(text).toContain('\u001b[32mready');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colours are what is checked.
    expect(text).toMatch(/\u001b\[1m\u001b\[31mfailed|\u001b\[31m\u001b\[1mfailed/);
    expect(text).toContain('↳ gave up after 3 retries');
    expect(text).toMatch(/shop.* · 2 processes: .*1 failed.*1 ready/);
    expect(text).toContain('main');
  });

  it('keys reach the supervisor: j then r restarts the second process', async () => {
    const { ui, source } = mount();
    await tick();
    ui.stdin.write('j');
    await tick();
    ui.stdin.write('r');
    await tick();
    expect(source.actions).toEqual([['restart', ['api']]]);
  });

  it('highlights search matches in the log pane', async () => {
    const { ui, source, frame } = mount();
    source.log('db', 'checkpoint complete');
    source.log('api', 'GET /orders 200');
    await tick();
    ui.stdin.write('/');
    await tick();
    ui.stdin.write('orders');
    await tick();
    expect(frame()).toContain('/orders');
    ui.stdin.write('\r');
    await tick(80);
    const text = frame();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the highlight is a colour sequence.
    expect(text).toMatch(/\u001b\[(30|43)m(\u001b\[(30|43)m)?orders\u001b\[/);
    expect(text).toContain('1 matches for /orders/');
    expect(text).toContain('checkpoint complete');
  });

  it('opens the details and the help', async () => {
    const { ui, frame } = mount(undefined, 40);
    await tick();
    ui.stdin.write('\r');
    await tick(80);
    expect(frame()).toMatch(
      /resources[\s\S]*config[\s\S]*dependencies[\s\S]*restart history[\s\S]*crash reports/,
    );
    ui.stdin.write('\u001b');
    await tick(80);
    ui.stdin.write('?');
    await tick(80);
    expect(frame()).toContain('restart the selected process');
  });

  it('renders at most 30 frames a second under a log flood, and only the clock tick when idle', async () => {
    const { source, frames } = mount();
    await tick(100);
    const before = frames.length;
    const started = Date.now();
    while (Date.now() - started < 1200) {
      for (let i = 0; i < 200; i += 1) source.log('db', `flood ${i}`);
      await tick(5);
    }
    const elapsed = (Date.now() - started) / 1000;
    const flooded = frames.length - before;
    expect(flooded).toBeGreaterThan(0);
    expect(flooded).toBeLessThanOrEqual(Math.ceil(elapsed * 30) + 2);
    await tick(100);
    const idle = frames.length;
    await tick(1500);
    expect(frames.length - idle).toBeLessThanOrEqual(2);
  });
});
