/** How deep user-supplied context is kept; deeper values become a marker (a report is a summary). */
const MAX_DEPTH = 12;

/**
 * Turns arbitrary values (the `context` of a report comes from callers) into plain JSON data, without
 * ever throwing: a report is written while something is already going wrong, so a circular reference,
 * a BigInt or an Error instance must not turn it into a second failure.
 */
export function toPlainData(value: unknown): unknown {
  return convert(value, 0, new WeakSet());
}

function convert(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (ancestors.has(value)) return '[circular]';
  ancestors.add(value);
  try {
    return convertObject(value, depth, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function convertObject(value: object, depth: number, ancestors: WeakSet<object>): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof RegExp) return value.toString();
  if (Array.isArray(value) || value instanceof Set) {
    return [...value].map((item) => convert(item, depth + 1, ancestors) ?? null);
  }
  const entries: [string, unknown][] =
    value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v]) : Object.entries(value);
  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    // name, message and stack are not enumerable: keep them explicitly, they are the useful part.
    out.name = value.name;
    out.message = value.message;
    if (value.stack !== undefined) out.stack = value.stack;
  }
  for (const [key, item] of entries) {
    const converted = convert(item, depth + 1, ancestors);
    if (converted !== undefined) setOwn(out, key, converted);
  }
  return out;
}

/** `out[key] = value`, except that a `__proto__` key (legal in JSON) stays data instead of a prototype. */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else out[key] = value;
}
