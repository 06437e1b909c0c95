import { describe, expect, it } from 'vitest';
import { parse, parseIssues } from './helpers.js';

describe('exit: the rule that ends a foreground up', () => {
  it('reads stop_on (one trigger or a list) and code_from into the spec', () => {
    const spec = parse(
      [
        'exit: {stop_on: {test: end, api: [failure, skipped, failure]}, code_from: test}',
        'processes:',
        '  test: { command: x }',
        '  api: { command: x }',
      ].join('\n'),
    );
    expect(spec.exit).toEqual({ stopOn: { test: ['end'], api: ['failure', 'skipped'] }, codeFrom: 'test' });
    expect(parse('processes:\n  a: { command: x }\n').exit).toBeUndefined();
    expect(parse('exit: {idle_code: 2}\nprocesses:\n  a: { command: x }\n').exit).toEqual({
      stopOn: {},
      codeFrom: null,
      idleCode: 2,
    });
  });

  it('names only processes that exist, and only the three triggers', () => {
    const issues = parseIssues(
      'exit: {stop_on: {tesst: end}, code_from: apj}\nprocesses:\n  test: { command: x }\n  api: { command: x }\n',
    );
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      "exit.stop_on.tesst: unknown process 'tesst' (did you mean 'test'?)",
      "exit.code_from: unknown process 'apj' (did you mean 'api'?)",
    ]);
    const bad = parseIssues('exit: {stop_on: {a: crash}}\nprocesses:\n  a: { command: x }\n');
    expect(bad).toEqual([expect.objectContaining({ path: 'exit.stop_on.a' })]);
  });
});
