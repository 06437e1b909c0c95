import { describe, expect, it } from 'vitest';
import {
  checkRequest,
  encodeDelivery,
  LineFramer,
  parseHello,
  parseRequest,
} from '../../../src/core/ipc/framing.js';
import {
  applyDatagram,
  initialNotifyState,
  MAX_STATUS_CHARS,
} from '../../../src/core/notify/notify-state.js';

describe('LineFramer', () => {
  it('splits lines across chunks and skips blank ones', () => {
    const framer = new LineFramer(100);
    expect(framer.push(Buffer.from('{"a":'))).toEqual([]);
    expect(framer.push(Buffer.from('1}\n\n{"b":2}\n{"c"'))).toEqual([
      { kind: 'line', text: '{"a":1}' },
      { kind: 'line', text: '{"b":2}' },
    ]);
    expect(framer.push(Buffer.from(':3}\n'))).toEqual([{ kind: 'line', text: '{"c":3}' }]);
  });

  it('reports an oversized line once, skips it to its newline and stays in step', () => {
    const framer = new LineFramer(10);
    expect(framer.push(Buffer.from('x'.repeat(8)))).toEqual([]);
    expect(framer.push(Buffer.from('y'.repeat(8)))).toEqual([]);
    expect(framer.push(Buffer.from(`${'z'.repeat(4)}\n{"ok":1}\n`))).toEqual([
      { kind: 'oversized', bytes: 20 },
      { kind: 'line', text: '{"ok":1}' },
    ]);
  });

  it('keeps a line of exactly the maximum', () => {
    const framer = new LineFramer(4);
    expect(framer.push(Buffer.from('abcd\nabcde\n'))).toEqual([
      { kind: 'line', text: 'abcd' },
      { kind: 'oversized', bytes: 5 },
    ]);
  });
});

describe('IPC messages', () => {
  it('accepts a hello with name and token, and names both when they are missing', () => {
    expect(parseHello('{"hello":"api","token":"t"}')).toEqual({
      ok: true,
      value: { name: 'api', token: 't' },
    });
    const missing = parseHello('{"to":"api","message":1}');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.error.message).toContain('OVRSEER_IPC_TOKEN');
  });

  it('checks {to, message}: JSON, an object, a target, a message (null counts)', () => {
    expect(parseRequest('{"to":"api","message":null}')).toEqual({
      ok: true,
      value: { to: 'api', message: null },
    });
    const cases: [string, string][] = [
      ['{bad', 'bad_json'],
      ['[1]', 'bad_message'],
      ['{"message":1}', 'bad_message'],
      ['{"to":"api"}', 'bad_message'],
    ];
    for (const [text, code] of cases) {
      const parsed = parseRequest(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error.error.code).toBe(code);
    }
    expect(checkRequest({ to: '', message: 1 }).ok).toBe(false);
  });

  it('refuses a delivery over the maximum, naming sizes', () => {
    expect(encodeDelivery('a', 'x', 100)).toEqual({ ok: true, value: '{"from":"a","message":"x"}\n' });
    const big = encodeDelivery('a', 'x'.repeat(200), 100);
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.error.error.message).toMatch(/of 225 bytes exceeds the maximum of 100 bytes/);
  });
});

describe('sd_notify datagrams', () => {
  it('READY=1 and STATUS= change the state; WATCHDOG, MAINPID and junk do not', () => {
    const state = initialNotifyState();
    expect(applyDatagram(state, 'WATCHDOG=1\nMAINPID=12\nnonsense\n=x')).toBe(false);
    expect(applyDatagram(state, 'STATUS=loading\n')).toBe(true);
    expect(state).toEqual({ ready: false, status: 'loading', stopping: false });
    expect(applyDatagram(state, 'READY=1\nSTATUS=serving')).toBe(true);
    expect(state).toEqual({ ready: true, status: 'serving', stopping: false });
    expect(applyDatagram(state, 'READY=1')).toBe(false);
    expect(applyDatagram(state, 'STOPPING=1')).toBe(true);
    expect(state.stopping).toBe(true);
  });

  it('bounds a long STATUS', () => {
    const state = initialNotifyState();
    applyDatagram(state, `STATUS=${'s'.repeat(5000)}`);
    expect(state.status?.length).toBe(MAX_STATUS_CHARS + 1);
  });
});
