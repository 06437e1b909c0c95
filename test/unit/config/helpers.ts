import { expect } from 'vitest';
import { parseProjectText } from '../../../src/config/load.js';
import type { ProcessSpec, ProjectSpec } from '../../../src/config/spec.js';
import { ConfigError, type ConfigIssue } from '../../../src/errors.js';

export function parse(
  text: string,
  options: { env?: NodeJS.ProcessEnv; envName?: string; dir?: string } = {},
): ProjectSpec {
  return parseProjectText(text, {
    file: 'ovrseer.yml',
    dir: options.dir ?? '/srv/shop',
    env: 'env' in options ? options.env : {},
    envName: options.envName,
  });
}

export function processOf(spec: ProjectSpec, name: string): ProcessSpec {
  const found = spec.processes.find((p) => p.name === name);
  if (found === undefined)
    throw new Error(`no process ${name} in ${spec.processes.map((p) => p.name).join(', ')}`);
  return found;
}

/** The issues of the ConfigError `run` throws (fails the test if it throws anything else, or nothing). */
export function issuesOf(run: () => unknown): ConfigIssue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error instanceof ConfigError ? [...error.issues] : [];
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

export function parseIssues(text: string, options: Parameters<typeof parse>[1] = {}): ConfigIssue[] {
  return issuesOf(() => parse(text, options));
}
