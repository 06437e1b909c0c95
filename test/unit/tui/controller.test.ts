import { describe, expect, it } from 'vitest';
import type { QuitKind } from '../../../src/tui/controller.js';
import { TuiController } from '../../../src/tui/controller.js';
import { type KeyInfo, NO_KEY } from '../../../src/tui/keys.js';
import { FakeSource, row } from './fake-source.js';

const none: KeyInfo = NO_KEY;

function setup(
  rows = [
    row({ name: 'db', group: 'data', tags: ['core'] }),
    row({ name: 'api', group: 'web', tags: ['core'] }),
    row({ name: 'worker.1', process: 'worker', instance: 1, status: 'stopped' }),
    row({ name: 'worker.2', process: 'worker', instance: 2, status: 'failed', reason: 'gave up' }),
  ],
) {
  const source = new FakeSource(rows);
  const quits: QuitKind[] = [];
  const controller = new TuiController(source, (kind) => quits.push(kind));
  controller.rows();
  const press = (input: string, key: Partial<KeyInfo> = {}): void =>
    controller.handleKey(input, { ...none, ...key });
  return { source, controller, quits, press };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TuiController keys', () => {
  it('moves the selection with j/k and arrows, g/G to the ends', () => {
    const { controller, press } = setup();
    expect(controller.state.selected).toBe('db');
    press('j');
    press('', { downArrow: true });
    expect(controller.state.selected).toBe('worker.1');
    press('k');
    expect(controller.state.selected).toBe('api');
    press('G');
    expect(controller.state.selected).toBe('worker.2');
    press('j');
    expect(controller.state.selected).toBe('worker.2');
    press('g');
    expect(controller.state.selected).toBe('db');
    press('jj');
    expect(controller.state.selected).toBe('worker.1');
  });

  it('r restarts, s stops a running process and starts a stopped one, R restarts the group', async () => {
    const { source, controller, press } = setup();
    press('j');
    press('r');
    press('s');
    press('R');
    press('G');
    press('s');
    press('k');
    press('s');
    press('R');
    expect(controller.state.status?.text).toMatch(/worker\.1 is in no group/);
    await settle();
    expect(source.actions).toEqual([
      ['restart', ['api']],
      ['stop', ['api']],
      ['restart', ['group:web']],
      ['start', ['worker.2']],
      ['start', ['worker.1']],
    ]);
  });

  it('p pauses a running process, resumes a paused one, and says why a stopped one cannot be paused', async () => {
    const { source, controller, press } = setup([
      row({ name: 'api' }),
      row({ name: 'db', status: 'paused' }),
      row({ name: 'idle', status: 'stopped' }),
    ]);
    press('p');
    press('j');
    press('p');
    press('j');
    press('p');
    expect(controller.state.status?.text).toMatch(
      /idle is stopped: only a running or ready process can be paused/,
    );
    await settle();
    expect(source.actions).toEqual([
      ['pause', ['api']],
      ['resume', ['db']],
    ]);
  });

  it('w says on the status line what the selected process waits for; L reloads and counts what changed', async () => {
    const { source, controller, press } = setup([row({ name: 'api', status: 'pending' })]);
    const since = Date.now() - 12_000;
    source.why = async (id: string) => ({
      process: id,
      state: 'pending' as const,
      reason: 'waiting for its dependencies',
      since,
      waiting: true,
      firstCause: null,
      conditions: [
        {
          kind: 'dependency' as const,
          label: 'db: ready',
          dependency: 'db',
          condition: 'ready' as const,
          state: 'waiting' as const,
          since,
          until: null,
          reason: null,
          blockedBy: [],
        },
      ],
    });
    press('w');
    await settle();
    expect(controller.state.status?.text).toMatch(/^api waits for db: ready since 1[12]s/);
    source.reload = async () => ({
      plan: {
        entries: [
          { name: 'api', action: 'unchanged' as const, keys: [], reason: '' },
          { name: 'web', action: 'restart' as const, keys: ['command'], reason: 'command changed' },
          { name: 'new', action: 'add' as const, keys: [], reason: 'added' },
        ],
        settings: [],
        needsDownUp: ['settings.state_dir'],
      },
      applied: true,
      result: [],
    });
    press('L');
    await settle();
    expect(controller.state.status?.text).toBe('reload: 1 restart, 1 add; needs down/up: settings.state_dir');
    source.reload = async () => {
      throw new Error('ovrseer.yml:3:5: processes.api.command: the command is empty');
    };
    press('L');
    await settle();
    expect(controller.state.status?.text).toMatch(/^reload refused, nothing changed: ovrseer.yml:3:5/);
  });

  it('+/- scale the selected process by one replica, never below 0', async () => {
    const { source, press } = setup();
    press('G');
    press('+');
    press('-');
    press('g');
    press('-');
    press('-');
    await settle();
    expect(source.scales).toEqual([
      ['worker', 3],
      ['worker', 1],
      ['db', 0],
      ['db', 0],
    ]);
  });

  it('shows a failed action on the status line', async () => {
    const { source, controller, press } = setup();
    source.failActions = true;
    press('r');
    await settle();
    expect(controller.state.status).toMatchObject({ level: 'error', text: 'restarting db: no such luck' });
  });

  it('q asks first: y quits, anything else cancels; Q and Ctrl-C quit at once', () => {
    const { controller, quits, press } = setup();
    press('q');
    expect(controller.state.prompt).toEqual({ kind: 'quit' });
    press('n');
    expect(controller.state.prompt).toBeNull();
    expect(quits).toEqual([]);
    press('q');
    press('y');
    expect(quits).toEqual(['confirmed']);
    expect(controller.state.quitting).toBe(true);
    press('q');
    expect(controller.state.prompt).toBeNull();
    expect(controller.state.status?.text).toMatch(/already leaving/);
    press('Q');
    press('c', { ctrl: true });
    expect(quits).toEqual(['confirmed', 'now', 'interrupt']);
  });

  it('f cycles group and tag filters, o the sort, l the level, a the log scope, tab the focus', () => {
    const { controller, press } = setup();
    const seen: (string | null)[] = [];
    for (let i = 0; i < 4; i += 1) {
      press('f');
      seen.push(controller.state.filter);
    }
    expect(seen).toEqual(['group:data', 'group:web', 'tag:core', null]);
    press('f');
    press('f');
    expect(controller.rows().map((r) => r.name)).toEqual(['api']);
    expect(controller.state.selected).toBe('api');
    press('o');
    expect(controller.state.sort).toBe('name');
    press('l');
    press('l');
    expect(controller.state.level).toBe('warn');
    press('a');
    expect(controller.state.scope).toBe('selected');
    press('', { tab: true });
    expect(controller.state.focus).toBe('logs');
  });

  it('/ types a search, Enter runs it and reports the matches, Esc clears it', () => {
    const { source, controller, press } = setup();
    source.log('api', 'GET /health 200');
    source.log('api', 'POST /orders 201');
    source.log('db', 'checkpoint');
    press('/');
    press('/oX');
    press('', { backspace: true });
    press('rders');
    expect(controller.state.prompt).toEqual({ kind: 'search', text: '/orders' });
    press('', { return: true });
    expect(controller.state.prompt).toBeNull();
    expect(controller.state.focus).toBe('logs');
    expect(controller.state.status?.text).toBe('1 matches for //orders/');
    expect(controller.logs.search?.text).toBe('/orders');
    press('n');
    expect(controller.state.status?.text).toBe('no earlier match for //orders/');
    press('', { escape: true });
    expect(controller.logs.search).toBeNull();
  });

  it('Enter opens the details of the selected process; Esc goes back', async () => {
    const { source, controller, press } = setup();
    press('j');
    press('', { return: true });
    expect(controller.state.view).toBe('detail');
    await settle();
    expect(source.detailsCalls).toEqual(['api']);
    expect(controller.state.details?.data?.id).toBe('api');
    press('j');
    expect(controller.state.selected).toBe('api');
    press('r');
    press('', { escape: true });
    expect(controller.state.view).toBe('main');
    expect(source.actions).toEqual([['restart', ['api']]]);
  });

  it('? opens the help; any key closes it, Q still quits', () => {
    const { controller, quits, press } = setup();
    press('?');
    expect(controller.state.view).toBe('help');
    press('x');
    expect(controller.state.view).toBe('help');
    press('j');
    expect(controller.state.view).toBe('main');
    expect(controller.state.selected).toBe('db');
    press('?');
    press('Q');
    expect(quits).toEqual(['now']);
  });

  it('the mouse wheel and page keys scroll the logs whatever has the focus', () => {
    const { source, controller, press } = setup();
    for (let i = 0; i < 50; i += 1) source.log('api', `line ${i}`);
    controller.logs.lines(10);
    press('[<64;20;30M');
    expect(controller.logs.following).toBe(false);
    expect(controller.logs.lines(10)[0]?.text).toBe('line 37');
    press('[<65;20;30M');
    expect(controller.logs.following).toBe(true);
    press('', { pageUp: true });
    expect(controller.logs.lines(10)[0]?.text).toBe('line 31');
    press('G');
    expect(controller.state.selected).toBe('worker.2');
    press('', { tab: true });
    press('G');
    expect(controller.logs.following).toBe(true);
  });
});
