import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportProject } from '../../../src/export/index.js';
import { environmentWord, execLine } from '../../../src/export/unit-file.js';
import { fileOf, OPTIONS, specFrom } from './helpers.js';

const bin = mkdtempSync(join(tmpdir(), 'ovrseer-export-bin-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function unitEntries(text: string, key: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

describe('systemd units', () => {
  it('escapes specifiers and variables so the command runs exactly as written', () => {
    expect(execLine(['/bin/sh', '-c', 'echo "$HOME" 100% done'])).toBe(
      '/bin/sh -c "echo \\"$$HOME\\" 100%% done"',
    );
    expect(execLine(['/usr/bin/env', 'a\nb', ''])).toBe('/usr/bin/env "a\\nb" ""');
    expect(environmentWord('MSG', 'say "hi" 50%')).toBe('"MSG=say \\"hi\\" 50%%"');
  });

  it('resolves bare program names on the exporting PATH, and notes those it cannot find', async () => {
    writeFileSync(join(bin, 'tool'), '#!/bin/sh\n');
    chmodSync(join(bin, 'tool'), 0o755);
    const spec = specFrom(`
version: 1
name: p
processes:
  a: { command: [tool, --flag] }
  b: { command: [missing-tool] }
`);
    const result = await exportProject(spec, 'systemd', { ...OPTIONS, path: bin });
    expect(unitEntries(fileOf(result, 'p-a.service'), 'ExecStart')).toEqual([`${bin}/tool --flag`]);
    expect(unitEntries(fileOf(result, 'p-b.service'), 'ExecStart')).toEqual(['missing-tool']);
    expect(result.notTranslated).toContainEqual({
      key: 'processes.b.command',
      reason: 'missing-tool is not on this PATH; systemd looks in its own (/usr/bin, /bin…)',
    });
  });

  it('orders by depends_on: Requires= for what must succeed, Wants= for completed', async () => {
    const spec = specFrom(`
version: 1
name: p
processes:
  setup: { type: task, command: ./setup.sh }
  web: { command: ./web, replicas: 2 }
  edge:
    command: ./edge
    depends_on: { setup: { condition: completed }, web: { condition: started } }
`);
    const edge = fileOf(await exportProject(spec, 'systemd', OPTIONS), 'p-edge.service');
    expect(unitEntries(edge, 'After')).toEqual(['p-setup.service p-web-1.service p-web-2.service']);
    expect(unitEntries(edge, 'Requires')).toEqual(['p-web-1.service p-web-2.service']);
    expect(unitEntries(edge, 'Wants')).toEqual(['p-setup.service']);
  });

  it('maps the restart policy, the crash-loop breaker and max_retries to the start limit', async () => {
    const spec = specFrom(`
version: 1
name: p
processes:
  a: { command: ./a, restart: { policy: unless-stopped, delay: 500ms, exit_codes: [0, 3] } }
  b: { command: ./b, restart: { policy: on-failure, max_retries: 4, crash_loop: false } }
  c: { command: ./c, restart: { policy: always, crash_loop: false } }
  d: { type: task, command: ./d, restart: always }
`);
    const result = await exportProject(spec, 'systemd', OPTIONS);
    const a = fileOf(result, 'p-a.service');
    expect(unitEntries(a, 'Restart')).toEqual(['always']);
    expect(unitEntries(a, 'RestartSec')).toEqual(['500ms']);
    expect(unitEntries(a, 'SuccessExitStatus')).toEqual(['3']);
    expect(unitEntries(a, 'StartLimitBurst')).toEqual(['5']);
    expect(unitEntries(a, 'StartLimitIntervalSec')).toEqual(['1m']);
    const b = fileOf(result, 'p-b.service');
    expect(unitEntries(b, 'StartLimitBurst')).toEqual(['5']);
    expect(unitEntries(b, 'StartLimitIntervalSec')).toEqual(['infinity']);
    expect(unitEntries(fileOf(result, 'p-c.service'), 'StartLimitIntervalSec')).toEqual(['0']);
    const d = fileOf(result, 'p-d.service');
    expect(unitEntries(d, 'Type')).toEqual(['oneshot']);
    expect(unitEntries(d, 'Restart')).toEqual(['on-failure']);
    expect(result.notTranslated).toContainEqual({
      key: 'processes.d.restart.policy',
      reason: 'a task (a oneshot unit) can be restarted on failure only',
    });
  });

  it('waits for readiness in ExecStartPost=, stops with ExecStop= and the signal, and limits memory', async () => {
    const spec = specFrom(`
version: 1
name: p
processes:
  api:
    command: ./api
    ready: { exec: "test -f ready", interval: 500ms, timeout: 15s, initial_delay: 2s }
    stop: { command: ./drain.sh, signal: SIGQUIT, timeout: 20s }
    limits: { memory: 64MB, cpu: 150 }
    user: "1000:1001"
`);
    const api = fileOf(
      await exportProject(spec, 'systemd', { ...OPTIONS, user: 'www-data' }),
      'p-api.service',
    );
    expect(unitEntries(api, 'ExecStartPost')).toEqual([
      `/bin/sh -c "sleep 2; until /bin/sh -c 'test -f ready' >/dev/null 2>&1; do sleep 0.5; done"`,
    ]);
    expect(unitEntries(api, 'TimeoutStartSec')).toEqual(['15s']);
    expect(unitEntries(api, 'ExecStop')).toEqual(['/bin/sh -c ./drain.sh']);
    expect(unitEntries(api, 'KillSignal')).toEqual(['SIGQUIT']);
    expect(unitEntries(api, 'KillMode')).toEqual(['mixed']);
    expect(unitEntries(api, 'TimeoutStopSec')).toEqual(['20s']);
    expect(unitEntries(api, 'MemoryMax')).toEqual([String(64 * 1024 * 1024)]);
    expect(unitEntries(api, 'CPUQuota')).toEqual(['150%']);
    // The process's own user wins over --user.
    expect(unitEntries(api, 'User')).toEqual(['1000']);
    expect(unitEntries(api, 'Group')).toEqual(['1001']);
  });

  it('leaves disabled processes out of the target, and runs cleanups on stop, after the rest', async () => {
    const spec = specFrom(`
version: 1
name: p
processes:
  a: { command: ./a }
  off: { command: ./off, disabled: true }
  bye: { type: cleanup, command: ./bye }
`);
    const result = await exportProject(spec, 'systemd', OPTIONS);
    expect(unitEntries(fileOf(result, 'p.target'), 'Wants')).toEqual(['p-a.service p-bye.service']);
    const bye = fileOf(result, 'p-bye.service');
    expect(unitEntries(bye, 'After')).toEqual(['p-a.service p-off.service']);
    expect(unitEntries(bye, 'ExecStart')).toEqual(['/bin/true']);
    expect(unitEntries(bye, 'ExecStop')).toEqual(['/bin/sh -c ./bye']);
  });
});
