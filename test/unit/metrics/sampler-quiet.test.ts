import { describe, expect, it } from 'vitest';
import { MetricsSampler } from '../../../src/metrics/sampler.js';
import type { TreeRoot } from '../../../src/metrics/tree.js';
import type { TreeFigures } from '../../../src/metrics/types.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeHost, FakeInstance, FakeSource, MB } from './fake-host.js';

/** A source that says when a pass saw nothing move (as the Linux one does), and a host with state events. */
class QuietSource extends FakeSource {
  unchanged = false;
  readonly hints: (boolean | undefined)[] = [];
  override sample(roots: readonly TreeRoot[], sameRoots?: boolean): (TreeFigures | null)[] {
    this.hints.push(sameRoots);
    return super.sample(roots);
  }
}

class EventHost extends FakeHost {
  readonly listeners = new Set<() => void>();
  on(_event: 'state', listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emitState(): void {
    for (const listener of this.listeners) listener();
  }
}

function setupQuiet(instances: FakeInstance[]) {
  const clock = new FakeClock(1_000_000);
  const host = new EventHost(instances);
  const source = new QuietSource();
  const sampler = new MetricsSampler(host, { clock, source });
  return { clock, host, source, sampler };
}

describe('MetricsSampler: passes in which nothing moved', () => {
  it('keep a point a pass in the history and move the time of latest, with 0 % CPU', async () => {
    const api = new FakeInstance('api', 100);
    const { clock, source, sampler } = setupQuiet([api]);
    source.set(100, { cpu: 5, memory: 30 * MB });
    sampler.start();
    await clock.advanceAsync(0);
    source.unchanged = true;
    source.set(100, { cpu: 0, memory: 30 * MB });
    await clock.advanceAsync(3000);
    expect(source.hints).toEqual([false, true, true, true]);
    expect(sampler.latest('api')).toMatchObject({ cpu: 0, memory: 30 * MB, time: 1_003_000 });
    expect(sampler.history('api')).toHaveLength(4);
    // Read or not in between, the latest sample is the pass's.
    expect(sampler.latest('api')).toMatchObject({ cpu: 0, time: 1_003_000 });
    expect(sampler.history('api')).toEqual([
      { time: 1_000_000, cpu: 5, rss: 30 * MB },
      { time: 1_001_000, cpu: 0, rss: 30 * MB },
      { time: 1_002_000, cpu: 0, rss: 30 * MB },
      { time: 1_003_000, cpu: 0, rss: 30 * MB },
    ]);
    // Read in between or not, a history gets each point once.
    source.unchanged = false;
    source.set(100, { cpu: 7, memory: 31 * MB });
    await clock.advanceAsync(1000);
    expect(sampler.history('api').map((point) => point.time)).toEqual([
      1_000_000, 1_001_000, 1_002_000, 1_003_000, 1_004_000,
    ]);
    expect(sampler.latest('api')).toMatchObject({ cpu: 7, memory: 31 * MB, time: 1_004_000 });
    await sampler.stop();
  });

  it('a full pass does not record an instance whose figures stood still, yet its history has the pass', async () => {
    const api = new FakeInstance('api', 100);
    const db = new FakeInstance('db', 200);
    const { clock, source, sampler } = setupQuiet([api, db]);
    source.set(100, { cpu: 0, memory: 30 * MB });
    source.set(200, { cpu: 0, memory: 40 * MB });
    sampler.start();
    await clock.advanceAsync(1000);
    // db moves, api does not: not a quiet pass, but api keeps standing.
    source.set(200, { cpu: 3, memory: 41 * MB });
    await clock.advanceAsync(1000);
    expect(sampler.latest('api')).toMatchObject({ cpu: 0, memory: 30 * MB, time: 1_002_000 });
    expect(sampler.latest('db')).toMatchObject({ cpu: 3, memory: 41 * MB, time: 1_002_000 });
    expect(sampler.history('api').map((point) => point.time)).toEqual([1_000_000, 1_001_000, 1_002_000]);
    expect(sampler.history('db').map((point) => point.rss)).toEqual([40 * MB, 40 * MB, 41 * MB]);
    await sampler.stop();
  });

  it('a state event makes the next pass walk the instances again', async () => {
    const api = new FakeInstance('api', 100);
    const { clock, host, source, sampler } = setupQuiet([api]);
    source.set(100, {});
    source.set(105, {});
    sampler.start();
    await clock.advanceAsync(0);
    source.unchanged = true;
    await clock.advanceAsync(1000);
    api.pid = 105;
    host.emitState();
    await clock.advanceAsync(1000);
    expect(source.seen.at(-1)).toEqual([105]);
    expect(source.hints.at(-1)).toBe(false);
    await sampler.stop();
  });

  it('a memory limit over once still ends the run on the next pass, quiet or not', async () => {
    const api = new FakeInstance('api', 100, { memory: 512 * MB });
    const { clock, source, sampler } = setupQuiet([api]);
    source.set(100, { memory: 612 * MB });
    sampler.start();
    await clock.advanceAsync(0);
    expect(api.ended).toEqual([]);
    source.unchanged = true;
    await clock.advanceAsync(1000);
    expect(api.ended).toEqual([{ kind: 'memoryLimit', reason: 'memory limit 512MB exceeded (612MB)' }]);
    await sampler.stop();
  });
});
