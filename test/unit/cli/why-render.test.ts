import { describe, expect, it } from 'vitest';
import { formatDuration, renderCriticalChain, renderWhy } from '../../../src/cli/commands/why.js';
import type { WhyAnswer } from '../../../src/core/why.js';

const NOW = 100_000;

describe('ovrseer why output', () => {
  it('indents the chain with states and "since"', () => {
    const answer: WhyAnswer = {
      process: 'api',
      state: 'pending',
      reason: 'waiting for db (ready)',
      since: NOW - 12_000,
      waiting: true,
      firstCause: null,
      conditions: [
        {
          kind: 'dependency',
          label: 'db: ready',
          dependency: 'db',
          condition: 'ready',
          state: 'waiting',
          since: NOW - 12_000,
          until: null,
          reason: null,
          blockedBy: [
            {
              process: 'db',
              state: 'running',
              reason: 'started (pid 7)',
              since: NOW - 12_500,
              waiting: true,
              firstCause: null,
              conditions: [
                {
                  kind: 'readiness',
                  label: 'ready check (log /ready/)',
                  dependency: null,
                  condition: null,
                  state: 'waiting',
                  since: NOW - 12_400,
                  until: null,
                  reason: null,
                  blockedBy: [],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(renderWhy(answer, NOW)).toBe(
      [
        'api is pending since 12s: waiting for its dependencies',
        '└─ db: ready: waiting since 12s',
        '   db is running since 12s: waiting',
        '   └─ ready check (log /ready/): waiting since 12s',
        '',
      ].join('\n'),
    );
  });

  it('names the first cause and its report of a failed process', () => {
    const text = renderWhy(
      {
        process: 'api',
        state: 'failed',
        reason: 'dependency db failed: exited with code 3',
        since: NOW - 2000,
        waiting: false,
        conditions: [],
        firstCause: {
          process: 'db',
          state: 'crashed',
          reason: 'exited with code 3',
          since: 0,
          reportId: 'r1',
        },
      },
      NOW,
    );
    expect(text).toContain('api is failed since 2.0s: dependency db failed: exited with code 3');
    expect(text).toContain('first cause: db crashed: exited with code 3 (crash report: ovrseer reports r1)');
  });

  it('prints the critical chain as systemd-analyze does', () => {
    expect(
      renderCriticalChain([
        {
          process: 'api',
          state: 'running',
          atMs: 2020,
          tookMs: 19,
          waitedMs: 2001,
          gate: { name: 'db', condition: 'ready', waitedMs: 2000 },
        },
        { process: 'db', state: 'ready', atMs: 2000, tookMs: 2000, waitedMs: 0, gate: null },
      ]),
    ).toBe(
      [
        'critical chain of the last start (@ done after the first start, + its own start took):',
        'api @2.0s +0.02s — waited 2.0s for db: ready',
        '└─ db @2.0s +2.0s',
        '',
      ].join('\n'),
    );
    expect(renderCriticalChain([])).toBe('no start recorded yet\n');
  });

  it('formats durations', () => {
    expect([250, 3400, 12_900, 125_000].map(formatDuration)).toEqual(['0.25s', '3.4s', '12s', '2m05s']);
  });
});
