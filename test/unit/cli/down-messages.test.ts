import { describe, expect, it } from 'vitest';
import { describeLeftovers, describeRecovered } from '../../../src/cli/commands/down.js';

describe('down: what it says', () => {
  it('with nothing to end', () => {
    expect(describeRecovered('./ovrseer.yml', [])).toBe(
      'nothing to stop: no ovrseer running for ./ovrseer.yml, and none of its processes\n',
    );
  });

  it('after ending what a dead supervisor left: the count, ten of them, then stopped', () => {
    const ended = Array.from({ length: 12 }, (_, i) => `ended w.${i + 1} (pid ${100 + i}), left running`);
    const text = describeRecovered('./ovrseer.yml', ended);
    expect(text.split('\n')).toEqual([
      'no ovrseer was running for ./ovrseer.yml: recovered 12 processes a supervisor that died left running',
      ...ended.slice(0, 10).map((line) => `  ${line}`),
      '  … and 2 more',
      'stopped',
      '',
    ]);
    expect(describeRecovered('./ovrseer.yml', ['ended api (pid 1)'])).toContain('recovered 1 process a');
  });

  it('what is left after the supervisor exited, and what to do', () => {
    expect(describeLeftovers('./ovrseer.yml', [{ pid: 7, what: 'stubborn' }], 'after-shutdown')).toBe(
      'ovrseer: the supervisor exited but 1 process of ./ovrseer.yml still runs:\n  pid 7 (stubborn)\n`ovrseer down` again ends them\n',
    );
    const many = Array.from({ length: 11 }, (_, i) => ({ pid: i + 1, what: `shop/w/${i + 1}` }));
    const text = describeLeftovers('a.yml', many, 'after-recovery');
    expect(text).toMatch(/^ovrseer: no supervisor runs but 11 processes of a\.yml still run:\n/);
    expect(text).toContain('  pid 10 (shop/w/10)\n  … and 1 more\n');
    expect(text).toMatch(/survived SIGKILL/);
  });
});
