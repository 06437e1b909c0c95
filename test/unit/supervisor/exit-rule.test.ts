import { describe, expect, it } from 'vitest';
import { normalizeSettings } from '../../../src/config/normalize.js';
import type { ExitRuleSpec, ProjectSpec } from '../../../src/config/spec.js';
import type { StateChangeEvent } from '../../../src/core/events.js';
import type { ProcessState } from '../../../src/core/states.js';
import { codeOfExit, ExitWatch, resolveExitRule } from '../../../src/supervisor/exit-rule.js';
import { processSpec } from '../core/spec-builder.js';

function project(exit?: ExitRuleSpec): ProjectSpec {
  return {
    name: 'p',
    file: null,
    dir: '/tmp',
    processes: [processSpec('web'), processSpec('worker'), processSpec('db', { type: 'dependency' })],
    settings: normalizeSettings(undefined, '/tmp'),
    plugins: [],
    ...(exit === undefined ? {} : { exit }),
  };
}

function change(
  name: string,
  from: ProcessState,
  to: ProcessState,
  extra: Partial<StateChangeEvent> = {},
): StateChangeEvent {
  return {
    process: name,
    name,
    instance: null,
    from,
    to,
    reason: 'test',
    time: 0,
    pid: null,
    exitCode: null,
    signal: null,
    ...extra,
  };
}

describe('resolveExitRule', () => {
  it('is the project rule without flags, and null without either', () => {
    expect(resolveExitRule(project(), {})).toBeNull();
    const rule = { stopOn: { web: ['end' as const] }, codeFrom: null };
    expect(resolveExitRule(project(rule), {})).toBe(rule);
  });

  it('--abort-on-exit adds "end" to every main process, not to dependencies', () => {
    const rule = resolveExitRule(project(), { abortOnExit: true });
    expect(rule).toEqual({
      stopOn: { web: ['end'], worker: ['end'] },
      codeFrom: null,
      source: '--abort-on-exit',
    });
  });

  it('flags add to the file rule', () => {
    const rule = resolveExitRule(project({ stopOn: { db: ['skipped'] }, codeFrom: null }), {
      abortOnFailure: true,
    });
    expect(rule?.stopOn).toEqual({ db: ['skipped'], web: ['failure'], worker: ['failure'] });
  });

  it('--exit-code-from implies --abort-on-exit and takes the code from that process', () => {
    const rule = resolveExitRule(project(), { exitCodeFrom: 'worker' });
    expect(rule).toMatchObject({ stopOn: { web: ['end'], worker: ['end'] }, codeFrom: 'worker' });
  });

  it('--exit-code-from an unknown process is a usage error with a suggestion', () => {
    expect(() => resolveExitRule(project(), { exitCodeFrom: 'wokrer' })).toThrow(
      /--exit-code-from wokrer: no process named 'wokrer' \(did you mean 'worker'\?\)/,
    );
  });
});

describe('ExitWatch', () => {
  it('"end" fires on a clean exit with code 0 and on a crash with its code', () => {
    const watch = new ExitWatch({ stopOn: { web: ['end'] }, codeFrom: null });
    expect(watch.observe(change('worker', 'running', 'completed'))).toBeNull();
    expect(watch.observe(change('web', 'running', 'completed', { exitCode: 0 }))).toMatchObject({ code: 0 });
    expect(watch.observe(change('web', 'running', 'crashed', { exitCode: 3 }))).toMatchObject({
      code: 3,
      what: 'exited with code 3',
    });
  });

  it('"failure" ignores a clean exit; a signal death is 128 + the signal', () => {
    const watch = new ExitWatch({ stopOn: { web: ['failure'] }, codeFrom: null });
    expect(watch.observe(change('web', 'running', 'completed', { exitCode: 0 }))).toBeNull();
    expect(watch.observe(change('web', 'running', 'crashed', { signal: 'SIGKILL' }))).toMatchObject({
      code: 137,
      what: 'was killed by SIGKILL',
    });
  });

  it('"skipped" is a pending process that failed (its dependency did)', () => {
    const watch = new ExitWatch({ stopOn: { web: ['skipped'] }, codeFrom: null });
    expect(watch.observe(change('web', 'running', 'crashed', { exitCode: 2 }))).toBeNull();
    expect(watch.observe(change('web', 'pending', 'failed'))).toMatchObject({ trigger: 'skipped', code: 1 });
  });

  it('a readiness failure without an exit code still ends with a failure code', () => {
    const watch = new ExitWatch({ stopOn: { web: ['failure'] }, codeFrom: null });
    expect(watch.observe(change('web', 'stopping', 'failed'))).toMatchObject({ code: 1 });
  });

  it('keeps the last code of codeFrom, also when it is stopped by a signal at shutdown', () => {
    const watch = new ExitWatch({ stopOn: {}, codeFrom: 'web' });
    expect(watch.codeFromProcess()).toBe(0);
    watch.observe(change('web', 'running', 'crashed', { exitCode: 4 }));
    expect(watch.codeFromProcess()).toBe(4);
    watch.observe(change('web', 'stopping', 'stopped', { signal: 'SIGTERM' }));
    expect(watch.codeFromProcess()).toBe(143);
    expect(new ExitWatch({ stopOn: {}, codeFrom: null }).codeFromProcess()).toBeNull();
  });

  it('codeOfExit follows the shell', () => {
    expect(codeOfExit(5, null)).toBe(5);
    expect(codeOfExit(null, 'SIGINT')).toBe(130);
    expect(codeOfExit(null, null)).toBe(1);
  });
});
