// biome-ignore-all lint/suspicious/noTemplateCurlyInString: env file texts hold ${VAR} references literally
import { describe, expect, it } from 'vitest';
import { parseEnvText } from '../../../src/config/dotenv.js';
import type { EnvDialect } from '../../../src/config/env.js';

const vars = (text: string, dialect: EnvDialect, shell: Record<string, string> = {}) => {
  const parsed = parseEnvText(text, dialect, shell);
  expect(parsed.errors).toEqual([]);
  return parsed.vars;
};

describe('foreman dialect (lib/foreman/env.rb, spec/foreman/engine_spec.rb)', () => {
  it.each<[string, Record<string, string>]>([
    ['FOO=baz', { FOO: 'baz' }],
    ['FOO=bar\r\nBAZ="qux"\r\n', { FOO: 'bar', BAZ: 'qux' }],
    ["FRED='barney'", { FRED: 'barney' }],
    ['OTHER="escaped\\"quote"', { OTHER: 'escaped"quote' }],
    ['FOO="bar\\nbaz"', { FOO: 'bar\nbaz' }],
    ["SINGLE='no \\n escapes $HOME'", { SINGLE: 'no \\n escapes $HOME' }],
    ['URL=http://x/?a=b#frag # kept', { URL: 'http://x/?a=b#frag # kept' }],
    ['1ST=digits first', { '1ST': 'digits first' }],
    ['HALF="open', { HALF: '"open' }],
    ['REF=${OTHER}', { REF: '${OTHER}' }],
  ])('%j', (text, expected) => {
    expect(vars(text, 'foreman')).toEqual(expected);
  });

  it('skips what is not NAME=value (export, comments, spaces around =); says so for settings, not comments', () => {
    const parsed = parseEnvText('# c\n  # indented\nexport A=1\nB = 2\nC=3\n', 'foreman');
    expect(parsed.vars).toEqual({ C: '3' });
    expect(parsed.ignored.map((i) => i.line)).toEqual([3, 4]);
  });
});

describe('honcho dialect (honcho/environ.py parse, tests/test_environ.py)', () => {
  it.each<[string, Record<string, string>]>([
    ['FOO=bar', { FOO: 'bar' }],
    ['FOO=bar\nBAZ=qux', { FOO: 'bar', BAZ: 'qux' }],
    ['#commented: command', {}],
    ['-foo=command', {}],
    [`MYVAR='hello"world'`, { MYVAR: 'hello"world' }],
    [`MYVAR="hello'world"`, { MYVAR: "hello'world" }],
    [`MYVAR='"surrounded"'`, { MYVAR: '"surrounded"' }],
    ['MYVAR=\\"escaped\\"', { MYVAR: '"escaped"' }],
    ['MYVAR=user@domain.com', { MYVAR: 'user@domain.com' }],
    ['MYVAR=~pun|u@|0n$=', { MYVAR: '~pun|u@|0n$=' }],
    ['MYVAR=⋃ñᴉ—☪ó∂ǝ', { MYVAR: '⋃ñᴉ—☪ó∂ǝ' }],
    ['ṀẎṾẠṚ=value', {}],
    ["MYVAR='sp ace'", { MYVAR: 'sp ace' }],
    [
      "TABS='foo\\tbar'\nNEWLINES='foo\\nbar'\nDOLLAR='foo\\$bar'",
      { TABS: 'foo\tbar', NEWLINES: 'foo\nbar', DOLLAR: 'foo\\$bar' },
    ],
    // Beyond honcho's tests, checked against Python 3's shlex with honcho's code:
    ['export FOO=bar', {}],
    ['FOO = spaced', { FOO: 'spaced' }],
    ['FOO=hello world # comment', { FOO: 'helloworld' }],
    ['FOO=', {}],
    ['FOO=""', { FOO: '' }],
    ['FOO="a\\$b\\\\c\\"d"', { FOO: 'a\\$b\\c"d' }],
    ['1FOO=x', {}],
    ['FOO=a#b', { FOO: 'a' }],
  ])('%j', (text, expected) => {
    expect(vars(text, 'honcho')).toEqual(expected);
  });

  it('an unclosed quote (honcho: "No closing quotation") is an error at its line', () => {
    expect(parseEnvText("A=1\nFOO='multi\nline'", 'honcho').errors).toEqual([
      { line: 2, message: 'no closing quotation' },
      { line: 3, message: 'no closing quotation' },
    ]);
  });
});

describe('compose dialect (docs.docker.com/compose/how-tos/environment-variables/variable-interpolation, compose-go dotenv)', () => {
  it.each<[string, Record<string, string>]>([
    ['VAR=VAL', { VAR: 'VAL' }],
    ['VAR="VAL"', { VAR: 'VAL' }],
    ["VAR='VAL'", { VAR: 'VAL' }],
    ['VAR=VAL # comment', { VAR: 'VAL' }],
    ['VAR=VAL# not a comment', { VAR: 'VAL# not a comment' }],
    ['VAR="VAL # not a comment"', { VAR: 'VAL # not a comment' }],
    ['VAR="VAL" # comment', { VAR: 'VAL' }],
    ["VAR='$OTHER'", { VAR: '$OTHER' }],
    ["VAR='${OTHER}'", { VAR: '${OTHER}' }],
    ["VAR='Let\\'s go!'", { VAR: "Let's go!" }],
    ['VAR="{\\"hello\\": \\"json\\"}"', { VAR: '{"hello": "json"}' }],
    ['VAR="some\\tvalue"', { VAR: 'some\tvalue' }],
    ["VAR='some\\tvalue'", { VAR: 'some\\tvalue' }],
    ['VAR=some\\tvalue', { VAR: 'some\\tvalue' }],
    ['export OPTION_A=2', { OPTION_A: '2' }],
    ['exportFOO=2', { exportFOO: '2' }],
    ['OPTION_A: 1', { OPTION_A: '1' }],
    ['FOO.BAR=foobar', { 'FOO.BAR': 'foobar' }],
    ['FOO= bar ', { FOO: 'bar' }],
    ['MULTI="first\nsecond"\nNEXT=1', { MULTI: 'first\nsecond', NEXT: '1' }],
    ['A=1\nB=${A}2\nC=$A\nD="${A:+set}"', { A: '1', B: '12', C: '1', D: 'set' }],
    [
      'D=${UNSET:-dflt}\nE=${UNSET-dflt}\nF=${EMPTY:-dflt}\nG=${EMPTY-dflt}',
      { D: 'dflt', E: 'dflt', F: 'dflt', G: '' },
    ],
    ['E=${EMPTY}', { E: '' }],
    ['NESTED=${UNSET:-${A:-inner}}', { NESTED: 'inner' }],
    ['ESC="foo\\$BAR"\nDD=$$A', { ESC: 'foo$BAR', DD: '$A' }],
  ])('%j', (text, expected) => {
    expect(vars(text, 'compose', { EMPTY: '' })).toEqual(expected);
  });

  it('the shell is looked up before the lines above', () => {
    expect(vars('A=file\nB=${A}', 'compose', { A: 'shell' })).toEqual({ A: 'file', B: 'shell' });
  });

  it('a name alone on its line takes the shell value, if any', () => {
    expect(vars('FROM_SHELL\nMISSING\n', 'compose', { FROM_SHELL: 'x' })).toEqual({ FROM_SHELL: 'x' });
  });

  it('errors at their line: unterminated quote, bad name, ${VAR:?message}', () => {
    expect(parseEnvText('A=1\nB="open\n', 'compose').errors).toEqual([
      { line: 2, message: 'unterminated quoted value "open' },
    ]);
    expect(parseEnvText('A=1\nlol$wut\n', 'compose').errors[0]).toEqual({
      line: 2,
      message: 'unexpected character "$" in variable name "lol$wut"',
    });
    expect(parseEnvText('X=${NEED:?set NEED}', 'compose').errors).toEqual([
      { line: 1, message: 'variable NEED is required: set NEED' },
    ]);
  });

  it('compose-raw (format: raw) takes values as written, no interpolation', () => {
    expect(vars('A=${B}\nC="$D"', 'compose-raw', { B: 'b', D: 'd' })).toEqual({ A: '${B}', C: '$D' });
  });
});

describe('godotenv dialect (joho/godotenv parser.go, godotenv_test.go)', () => {
  it.each<[string, Record<string, string>]>([
    ['FOO=bar', { FOO: 'bar' }],
    ['FOO =bar', { FOO: 'bar' }],
    ['FOO="escaped\\"bar"', { FOO: 'escaped"bar' }],
    ['export OPTION_A=2', { OPTION_A: '2' }],
    ["export OPTION_B='\\n'", { OPTION_B: '\\n' }],
    ['exportFOO=2', { exportFOO: '2' }],
    ['FOO=bar # this is foo', { FOO: 'bar' }],
    ['FOO="bar#baz" # comment', { FOO: 'bar#baz' }],
    ['FOO="bar\\n\\ b\\az"', { FOO: 'bar\n baz' }],
    ['FOO=test\nBAR=$FOO', { FOO: 'test', BAR: 'test' }],
    ['FOO=test\nBAR=${FOO}bar', { FOO: 'test', BAR: 'testbar' }],
    ['BAR=$FOO', { BAR: '' }],
    ["BAR='quote $FOO'", { BAR: 'quote $FOO' }],
    ['FOO="foo\\$BAR"', { FOO: 'foo$BAR' }],
    ['OPTION_A: Foo=bar', { OPTION_A: 'Foo=bar' }],
  ])('%j', (text, expected) => {
    expect(vars(text, 'godotenv')).toEqual(expected);
  });
});

describe('ovrseer dialect (dotenv, unchanged)', () => {
  it('export, comments, multi-line double quotes, no interpolation', () => {
    expect(vars('export A=1 # c\nB="x\ny"\nC=${A}', 'ovrseer')).toEqual({ A: '1', B: 'x\ny', C: '${A}' });
  });
});
