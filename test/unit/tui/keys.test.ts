import { describe, expect, it } from 'vitest';
import { commandFor, editPrompt, type KeyInfo, NO_KEY, splitKeys } from '../../../src/tui/keys.js';

const none: KeyInfo = NO_KEY;
const key = (patch: Partial<KeyInfo>): KeyInfo => ({ ...none, ...patch });

describe('commandFor', () => {
  it('maps the mprocs-like keys', () => {
    expect(commandFor('j', none)).toEqual({ type: 'move', by: 1 });
    expect(commandFor('', key({ upArrow: true }))).toEqual({ type: 'move', by: -1 });
    expect(commandFor('R', none)).toEqual({ type: 'restart-group' });
    expect(commandFor('+', none)).toEqual({ type: 'scale', by: 1 });
    expect(commandFor('-', none)).toEqual({ type: 'scale', by: -1 });
    expect(commandFor('', key({ return: true }))).toEqual({ type: 'details' });
    expect(commandFor('', key({ tab: true }))).toEqual({ type: 'focus' });
    expect(commandFor('', key({ pageUp: true }))).toEqual({ type: 'page', by: -1 });
    expect(commandFor('c', key({ ctrl: true }))).toEqual({ type: 'interrupt' });
    expect(commandFor('x', none)).toBeNull();
    expect(commandFor('r', key({ ctrl: true }))).toBeNull();
  });

  it('turns SGR mouse wheel reports into scrolling and ignores other mouse events', () => {
    expect(commandFor('[<64;10;5M', none)).toEqual({ type: 'wheel', by: -3 });
    expect(commandFor('[<65;10;5M', none)).toEqual({ type: 'wheel', by: 3 });
    expect(commandFor('[<0;10;5M', none)).toBeNull();
    expect(commandFor('[<0;10;5m', none)).toBeNull();
  });
});

describe('splitKeys and editPrompt', () => {
  it('splits a burst of characters into keys', () => {
    expect(splitKeys('jj', none)).toEqual([
      ['j', none],
      ['j', none],
    ]);
    expect(splitKeys('a\r', none).map(([input, info]) => [input, info.return])).toEqual([
      ['a', false],
      ['', true],
    ]);
    expect(splitKeys('[<64;1;1M', none)).toEqual([['[<64;1;1M', none]]);
    expect(splitKeys('k', none)).toEqual([['k', none]]);
  });

  it('edits the search text', () => {
    expect(editPrompt('ab', 'c', none)).toEqual({ kind: 'edit', text: 'abc' });
    expect(editPrompt('ab', '', key({ backspace: true }))).toEqual({ kind: 'edit', text: 'a' });
    expect(editPrompt('ab', '', key({ return: true }))).toEqual({ kind: 'submit' });
    expect(editPrompt('ab', '', key({ escape: true }))).toEqual({ kind: 'cancel' });
    expect(editPrompt('ab', '', key({ upArrow: true }))).toBeNull();
    expect(editPrompt('ab', '[<64;1;1M', none)).toBeNull();
  });
});
