import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../../src/config/spec.js';
import { commandArgv, plainWords, spawnArgv } from '../../../src/core/command.js';

const shell = (script: string, sh = '/bin/sh'): CommandSpec => ({ kind: 'shell', script, shell: sh });

describe('spawnArgv', () => {
  it('execs a simple command of plain words directly', () => {
    expect(spawnArgv(shell('sleep 1000'))).toEqual(['sleep', '1000']);
    expect(spawnArgv(shell('  node  server.js --port=3000\t-v '))).toEqual([
      'node',
      'server.js',
      '--port=3000',
      '-v',
    ]);
    expect(spawnArgv(shell('./bin/api serve:web user@host 50% a,b +x'))).toEqual([
      './bin/api',
      'serve:web',
      'user@host',
      '50%',
      'a,b',
      '+x',
    ]);
  });

  it.each([
    ['expansion', 'echo $HOME'],
    ['braced expansion', 'node \x24{APP}'],
    ['quotes', `echo "a b"`],
    ['single quotes', `echo 'a'`],
    ['a pipe', 'yes | head'],
    ['a list', 'make; make test'],
    ['and-list', 'a && b'],
    ['a redirect', 'server > out.log'],
    ['a glob', 'cat *.log'],
    ['a subshell', 'x $(date)'],
    ['a backslash', 'echo a\\ b'],
    ['a tilde', 'ls ~'],
    ['a comment', 'run # note'],
    ['background', 'sleep 1 &'],
    ['two lines', 'a\nb'],
    ['an assignment first', 'PORT=3000 node server.js'],
    ['a special built-in', 'exec sleep 1'],
    ['a built-in that changes the shell', 'cd /tmp'],
    ['a reserved word', 'while true'],
    ['a built-in without a program', 'ulimit -n'],
    ['a built-in that differs from the program', 'kill 0'],
    ['nothing', '   '],
  ])('keeps the shell for %s', (_what, script) => {
    expect(plainWords(script)).toBeNull();
    expect(spawnArgv(shell(script))).toEqual(['/bin/sh', '-c', script]);
  });

  it('keeps a configured shell, which may do more than parse the words', () => {
    expect(spawnArgv(shell('sleep 1', '/bin/bash'))).toEqual(['/bin/bash', '-c', 'sleep 1']);
    expect(spawnArgv(shell('sleep 1', 'with-secrets'))).toEqual(['with-secrets', '-c', 'sleep 1']);
  });

  it('leaves argv commands as they are, and commandArgv keeps the shell form for exports', () => {
    expect(spawnArgv({ kind: 'argv', argv: ['a b', '$x'] })).toEqual(['a b', '$x']);
    expect(commandArgv(shell('sleep 1000'))).toEqual(['/bin/sh', '-c', 'sleep 1000']);
  });
});
