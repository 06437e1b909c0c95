import type { z } from 'zod';
import { ConfigError } from '../../errors.js';
import type { Locator } from '../input.js';
import { interpolateDocument } from '../interpolate.js';
import { formatPath, issueAt, type Path, parseYaml, type SourceDoc, toPlain } from '../yaml-source.js';
import { zodIssues } from '../zod-issues.js';
import type { ImportContext, NotTranslated } from './types.js';

export interface YamlSource {
  src: SourceDoc;
  at: Locator;
  data: unknown;
}

/**
 * Parses a YAML (or JSON) source with positions and interpolates `${VAR}` as its tool does — everywhere
 * in `run` mode; in `init` mode except where `keep` says ovrseer or the shell will expand it at run time.
 */
export function readYamlSource(
  text: string,
  context: ImportContext,
  options: { interpolate: boolean; keep?: (path: Path) => boolean },
): YamlSource {
  const src = parseYaml(text, context.file);
  const at: Locator = (path, message, opts) => issueAt(src, path, message, opts);
  if (options.interpolate) {
    const keep = context.mode === 'init' ? options.keep : undefined;
    const issues = interpolateDocument(src, context.vars, (path) => keep === undefined || !keep(path));
    if (issues.length > 0) throw new ConfigError(issues);
  }
  return { src, at, data: toPlain(src) };
}

/** Validates with a format's schema; problems point into the source. */
export function parseSource<S extends z.ZodType>(schema: S, data: unknown, at: Locator): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) throw new ConfigError(zodIssues(result.error, schema, at));
  return result.data;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Collects what an importer does not translate: every key of `value` that is not `handled`, with the
 * reason from `reasons` or a generic one.
 */
export class Untranslated {
  readonly items: NotTranslated[] = [];

  add(path: Path, reason: string): void {
    this.items.push({ key: formatPath(path), reason });
  }

  /** A key that is not a path in the source itself (another file's: `packages/api/package.json scripts.start`). */
  addKey(key: string, reason: string): void {
    this.items.push({ key, reason });
  }

  rest(
    value: unknown,
    path: Path,
    handled: readonly string[],
    reasons: Readonly<Record<string, string>>,
    fallback: string,
  ): void {
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) {
      if (handled.includes(key) || key.startsWith('x-')) continue;
      this.add([...path, key], reasons[key] ?? fallback);
    }
  }
}

/** Quotes one word for /bin/sh; `$VAR` inside stays expandable (double quotes) when that is safe. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (word.includes('$') && !/["`\\]/.test(word)) return `"${word}"`;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `KEY=VAL` list or `{KEY: VAL}` map (compose, process-compose); a bare `KEY` or `null` inherits. */
export function envEntries(value: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq > 0) env[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) if (item !== null) env[key] = String(item);
  }
  return env;
}

/** Splits a command line into words as a shell would for plain words, quotes and backslashes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i] ?? '';
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) word = (word ?? '') + (text[++i] ?? '');
    else word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}
