import { z } from 'zod';
import type { ConfigIssue } from '../errors.js';
import type { Locator } from './input.js';
import { show } from './schema-common.js';
import { didYouMean } from './suggest.js';
import type { Path } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

interface Located {
  path: Path;
  message: string;
  key?: boolean;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a map',
  record: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** The object schemas a path can lead to (several through unions), to suggest keys they know. */
function objectsAt(schema: z.ZodType, path: Path): z.ZodObject[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return objectsAt(schema.unwrap() as z.ZodType, path);
  }
  if (schema instanceof z.ZodPipe) return objectsAt(schema.in as z.ZodType, path);
  if (schema instanceof z.ZodUnion)
    return schema.options.flatMap((option) => objectsAt(option as z.ZodType, path));
  const [segment, ...rest] = path;
  if (segment === undefined) return schema instanceof z.ZodObject ? [schema] : [];
  if (schema instanceof z.ZodObject) {
    const field = schema.shape[String(segment)] as z.ZodType | undefined;
    return field ? objectsAt(field, rest) : [];
  }
  if (schema instanceof z.ZodArray) return objectsAt(schema.element as z.ZodType, rest);
  if (schema instanceof z.ZodRecord) return objectsAt(schema.valueType as z.ZodType, rest);
  return [];
}

function knownKeys(schema: z.ZodType, path: Path): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((object) => Object.keys(object.shape)))];
}

function toPath(path: readonly PropertyKey[]): Path {
  return path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
}

function isMissing(issue: Issue): boolean {
  // A YAML document has no undefined values: undefined input means the key was not written.
  return issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
}

/**
 * How far an alternative of a union got with the value: 0 wrong type, 1 a literal/enum of the wrong type,
 * 2 an enum of the right type but another value, 3 past the root (an object with a bad field, a refinement).
 */
function progress(branch: readonly Issue[]): number {
  return Math.min(
    ...branch.map((issue) => {
      if (issue.path.length > 0) return 3;
      if (issue.code === 'invalid_type') return 0;
      if (issue.code === 'invalid_value')
        return issue.values.some((v) => typeof v === typeof issue.input) ? 2 : 1;
      return 3;
    }),
  );
}

function sizeMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  const got = show(issue.input);
  if (issue.origin === 'array') return `expected ${op === '>=' ? 'at least' : 'at most'} ${bound} item(s)`;
  if (issue.origin === 'string')
    return `expected ${op === '>=' ? 'at least' : 'at most'} ${bound} character(s), got ${got}`;
  return `expected a number ${op} ${bound}, got ${got}`;
}

function describe(issue: Issue, path: Path, schema: z.ZodType): Located[] {
  const last = path[path.length - 1];
  if (isMissing(issue) && typeof last === 'string')
    return [{ path, message: `missing required key '${last}'` }];
  switch (issue.code) {
    case 'invalid_union': {
      // When one alternative clearly got furthest (an object with a bad field, an enum of strings for a
      // string), its issues are the useful ones. Otherwise the union's own message says what was expected.
      const scores = issue.errors.map(progress);
      const best = Math.max(...scores);
      const branch = issue.errors[scores.indexOf(best)];
      if (branch !== undefined && best > 0 && scores.filter((score) => score === best).length === 1)
        return branch.flatMap((inner) => describe(inner, [...path, ...toPath(inner.path)], schema));
      const message =
        issue.message === 'Invalid input' ? `unexpected value ${show(issue.input)}` : issue.message;
      return [{ path, message }];
    }
    case 'unrecognized_keys': {
      const known = knownKeys(schema, path);
      return issue.keys.map((key) => ({
        path: [...path, key],
        key: true,
        message: `unknown key '${key}'${didYouMean(key, known)}`,
      }));
    }
    case 'invalid_key':
      return issue.issues.map((inner) => ({ path, key: true, message: inner.message }));
    case 'invalid_element':
      return issue.issues.flatMap((inner) => describe(inner, [...path, ...toPath(inner.path)], schema));
    case 'invalid_type':
      return [
        {
          path,
          message: `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${show(issue.input)}`,
        },
      ];
    case 'too_small':
    case 'too_big':
      return [{ path, message: /^Too (small|big)/.test(issue.message) ? sizeMessage(issue) : issue.message }];
    case 'invalid_value':
      if (!/^Invalid (option|input)/.test(issue.message)) return [{ path, message: issue.message }];
      return [
        {
          path,
          message: `expected ${issue.values.map((v) => show(v)).join(' or ')}, got ${show(issue.input)}`,
        },
      ];
    default:
      return [{ path, message: issue.message }];
  }
}

/** Every zod issue, located in the source; an issue per unknown key, alternatives of unions resolved. */
export function zodIssues(error: z.ZodError, schema: z.ZodType, at: Locator): ConfigIssue[] {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    for (const located of describe(issue, toPath(issue.path), schema)) {
      const configIssue = at(located.path, located.message, { key: located.key });
      const id = `${configIssue.path}\0${configIssue.message}`;
      if (!seen.has(id)) {
        seen.add(id);
        issues.push(configIssue);
      }
    }
  }
  // Document order reads best; zod's order follows the schema.
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
