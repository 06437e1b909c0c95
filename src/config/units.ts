import { z } from 'zod';
import { OvrseerError } from '../errors.js';

const DURATION_RE = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)$/;
const DURATION_FACTORS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// Sizes are case-insensitive because "10mb" and "10MB" are both common in the wild; KB = 1024 as in pm2.
const SIZE_RE = /^(\d+(?:\.\d+)?|\.\d+)(b|kb|mb|gb|tb)?$/i;
const SIZE_FACTORS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function durationMessage(got: unknown): string {
  return `expected a duration such as "500ms", "5s" or "2m", got ${show(got)}`;
}

/**
 * The longest wait Node.js timers can do: `setTimeout` with more than 2³¹−1 ms fires after 1 ms instead
 * (`ready.timeout: 600h` failing at once, `health.interval: 600h` probing in a busy loop). Every duration
 * a config can hold is bounded by this, so that none is ever handed to a timer it would overflow.
 */
export const MAX_DURATION_MS = 2_147_483_647;
export const MAX_DURATION_TEXT = '596h 31m 23.647s (2147483647ms, about 24.8 days)';

export function durationTooLongMessage(got: unknown): string {
  return `${show(got)} is longer than the longest duration allowed, ${MAX_DURATION_TEXT}: timers cannot wait longer`;
}

export function sizeMessage(got: unknown): string {
  return `expected a size such as "512KB", "10MB" or "1GB", got ${show(got)}`;
}

/** Milliseconds from a duration string, or `null` when it is not one. Numbers are milliseconds. */
export function tryParseDuration(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  const text = value.trim();
  // A bare number in a string ("500") is milliseconds, like an unquoted one.
  if (/^\d+$/.test(text)) return Number(text);
  const match = DURATION_RE.exec(text);
  if (match === null) return null;
  const [, amount = '', unit = ''] = match;
  const factor = DURATION_FACTORS[unit];
  return factor === undefined ? null : Math.round(Number(amount) * factor);
}

/** Bytes from a size string, or `null` when it is not one. Numbers are bytes. */
export function tryParseSize(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  const match = SIZE_RE.exec(value.trim());
  if (match === null) return null;
  const [, amount = '', unit = 'b'] = match;
  const factor = SIZE_FACTORS[unit.toLowerCase()];
  return factor === undefined ? null : Math.round(Number(amount) * factor);
}

/**
 * For command-line flags and library callers; config files go through `durationSchema`, which reports
 * the same message with a file position instead of throwing.
 */
export function parseDuration(value: string | number): number {
  const ms = tryParseDuration(value);
  if (ms === null) throw new OvrseerError('OVRSEER_USAGE', durationMessage(value));
  return ms;
}

export function parseSize(value: string | number): number {
  const bytes = tryParseSize(value);
  if (bytes === null) throw new OvrseerError('OVRSEER_USAGE', sizeMessage(value));
  return bytes;
}

// The input side (a number, or a string with the pattern) is what `ovrseer schema` publishes.
export const durationSchema = z
  .union(
    [
      z.number(),
      z.string().regex(/^(\d+(\.\d+)?|\.\d+)(ms|s|m|h)?$/, { error: (i) => durationMessage(i.input) }),
    ],
    {
      error: (issue) => durationMessage(issue.input),
    },
  )
  .transform((value, ctx) => {
    const ms = tryParseDuration(value);
    if (ms === null || ms > MAX_DURATION_MS) {
      const message = ms === null ? durationMessage(value) : durationTooLongMessage(value);
      ctx.addIssue({ code: 'custom', message, input: value });
      return z.NEVER;
    }
    return ms;
  })
  .meta({
    description: `A duration: "500ms", "5s", "2m", "1h", or a number of milliseconds; at most ${MAX_DURATION_TEXT}.`,
  });

export const sizeSchema = z
  .union(
    [
      z.number(),
      z.string().regex(/^(\d+(\.\d+)?|\.\d+)([kKmMgGtT]?[bB])?$/, { error: (i) => sizeMessage(i.input) }),
    ],
    {
      error: (issue) => sizeMessage(issue.input),
    },
  )
  .transform((value, ctx) => {
    const bytes = tryParseSize(value);
    if (bytes === null) {
      ctx.addIssue({ code: 'custom', message: sizeMessage(value), input: value });
      return z.NEVER;
    }
    return bytes;
  })
  .meta({ description: 'A size: "512KB", "10MB", "1GB" (1KB = 1024 bytes), or a number of bytes.' });
