/**
 * Secrets never reach a crash report: reports are files that get attached to tickets and pasted in
 * chats. Redaction errs on the side of hiding too much (`AUTHOR` matches `auth`); a report that hides
 * a harmless value is a small loss, a leaked token is not.
 */
import { setOwn } from './plain-data.js';

export const REDACTED = '[redacted]';

const SECRET_KEY = /password|passwd|passphrase|secret|token|key|auth|credential|cookie/i;

/** Values this short, or this common, are not searched for in text: "true" would blank half a log. */
const MIN_SECRET_LENGTH = 4;
const NOT_A_SECRET_VALUE = /^(?:true|false|yes|no|on|off|null|none|undefined|enabled|disabled|\d{1,5})$/i;

// scheme://user:password@host — the password may contain '@' (people do write that), so it runs to the
// last '@' before the path; quotes and angle brackets end it, as they cannot be part of a URL.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#"<>]*):([^\s/?#"<>]*)@/gi;
// KEY=value (shell prefixes, --flag=value, query strings) and "key": "value" (JSON logs).
const ASSIGNMENT = /(?<![\w.])([A-Za-z_][\w.-]*)=("[^"]*"|'[^']*'|[^\s"'&;,]+)/g;
const JSON_PAIR = /"([^"\\]{1,100})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;
const AUTH_HEADER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const SECRET_FLAG = /^--?[A-Za-z][\w-]*$/;
// `--token tok-1` in a command line or a log line: the value is the next word. (`--token=tok-1` is an
// assignment, above.) A next word starting with `-` is the next flag, not a value.
const FLAG_VALUE = /(?<![\w-])(--?[A-Za-z][\w-]*)([ \t]+)("[^"]*"|'[^']*'|[^\s"'-][^\s"']*)/g;

/**
 * Secrets recognised by their shape, whatever variable or flag holds them (`STRIPE_SK` is not a
 * secret-looking name): the keys of the services people paste most. The recognisable prefix is kept,
 * so a report still says which kind of key was there. All are bounded or anchored on a literal
 * prefix: linear, and they run on every string of a report.
 */
const KEY_SHAPES: readonly RegExp[] = [
  // Stripe secret and restricted keys (publishable `pk_` keys are meant to be public).
  /\b((?:sk|rk)_(?:live|test)_)[0-9A-Za-z]{8,}/g,
  // AWS access key ids: long-term (AKIA) and temporary (ASIA).
  /\b((?:AKIA|ASIA))[0-9A-Z]{16}\b/g,
  // GitHub tokens: personal, OAuth, user-to-server, server-to-server, refresh; fine-grained PATs.
  /\b((?:ghp|gho|ghu|ghs|ghr)_)[A-Za-z0-9]{16,}/g,
  /\b(github_pat_)[A-Za-z0-9_]{16,}/g,
  // GitLab personal tokens, npm tokens, Slack tokens and webhooks, OpenAI/Anthropic-style keys.
  /\b(glpat-)[A-Za-z0-9_-]{16,}/g,
  /\b(npm_)[A-Za-z0-9]{30,}/g,
  /\b(xox[bpasr]-)[A-Za-z0-9-]{8,}/g,
  /(hooks\.slack\.com\/services\/)[A-Za-z0-9/]{16,}/g,
  /\b(sk-(?:proj-|ant-)?)[A-Za-z0-9_-]{20,}/g,
  // Google API keys; SendGrid keys.
  /\b(AIza)[0-9A-Za-z_-]{35}/g,
  /\b(SG\.)[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g,
  // JSON Web Tokens: base64url header and payload (both `{"…` = `eyJ`), then the signature.
  /\b()eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // PEM private keys, when a process prints one or a variable holds one.
  /(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Replaces every occurrence of the given secret values, and every credential pattern, in `text`. */
export type TextRedactor = (text: string) => string;

export function createTextRedactor(secretValues: Iterable<string>): TextRedactor {
  const values = new Set<string>();
  for (const value of secretValues) {
    if (value.length < MIN_SECRET_LENGTH || NOT_A_SECRET_VALUE.test(value)) continue;
    values.add(value);
    // The same secret inside a URL or a query string is usually percent-encoded.
    const encoded = encodeURIComponent(value);
    if (encoded !== value) values.add(encoded);
  }
  // Longest first, so a secret that contains another one is replaced whole.
  const sorted = [...values].sort((a, b) => b.length - a.length);
  const valuePattern = sorted.length === 0 ? null : new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  return (text) => {
    let out = valuePattern === null ? text : text.replace(valuePattern, REDACTED);
    for (const shape of KEY_SHAPES) out = out.replace(shape, `$1${REDACTED}`);
    if (out.includes('://')) out = out.replace(URL_CREDENTIALS, `$1:${REDACTED}@`);
    if (out.includes('=')) out = out.replace(ASSIGNMENT, redactAssignment);
    if (out.includes('"')) out = out.replace(JSON_PAIR, redactJsonPair);
    if (out.includes('-')) out = out.replace(FLAG_VALUE, redactFlagValue);
    return out.replace(AUTH_HEADER, `$1 ${REDACTED}`);
  };
}

function redactFlagValue(match: string, flag: string, space: string, value: string): string {
  return isSecretKey(flag) && value !== REDACTED ? `${flag}${space}${REDACTED}` : match;
}

/** The values of `--token X` flags in `text`, so the same value is also removed from log lines. */
function flagValues(text: string, found: Set<string>): void {
  if (!text.includes('-')) return;
  for (const match of text.matchAll(FLAG_VALUE)) {
    const value = match[3] ?? '';
    if (isSecretKey(match[1] ?? '')) found.add(value.replace(/^(["'])(.*)\1$/, '$2'));
  }
}

function redactAssignment(match: string, key: string): string {
  return isSecretKey(key) ? `${key}=${REDACTED}` : match;
}

function redactJsonPair(match: string, key: string, separator: string): string {
  return isSecretKey(key) ? `"${key}"${separator}"${REDACTED}"` : match;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The string values held under secret-looking keys anywhere in `value` (env maps, headers, context). */
export function collectSecretValues(value: unknown, found: Set<string> = new Set()): Set<string> {
  visit(value, false, found);
  return found;
}

function visit(value: unknown, underSecretKey: boolean, found: Set<string>): void {
  if (typeof value === 'string') {
    if (underSecretKey) found.add(value);
    else flagValues(value, found);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      visit(item, underSecretKey || followsSecretFlag(value, index), found);
    });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) visit(item, underSecretKey || isSecretKey(key), found);
}

/** `['psql', '--password', 'hunter2']`: in an argv list, the value is the element after the flag. */
function followsSecretFlag(list: readonly unknown[], index: number): boolean {
  const previous = list[index - 1];
  const current = list[index];
  return (
    typeof previous === 'string' &&
    SECRET_FLAG.test(previous) &&
    isSecretKey(previous) &&
    typeof current === 'string' &&
    !current.startsWith('-')
  );
}

/**
 * A redacted deep copy of plain JSON data: strings under secret keys become `[redacted]`, and every
 * other string (and object key) goes through `text`, which removes secret values and credentials.
 */
export function redactData(value: unknown, text: TextRedactor): unknown {
  return copy(value, false, text);
}

function copy(value: unknown, underSecretKey: boolean, text: TextRedactor): unknown {
  if (typeof value === 'string') return underSecretKey ? REDACTED : text(value);
  if (Array.isArray(value)) {
    return value.map((item, index) => copy(item, underSecretKey || followsSecretFlag(value, index), text));
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    setOwn(out, text(key), copy(item, underSecretKey || isSecretKey(key), text));
  }
  return out;
}

/**
 * Redacts a whole report-shaped object: the secret values found anywhere in it (env, spec env, probe
 * headers, context, argv flags) are then removed from every string of it, log lines included — a
 * process that prints its own token must not leak it.
 */
export function redactReportData<T extends object>(data: T, extraSecrets: Iterable<string> = []): T {
  const secrets = collectSecretValues(data);
  for (const value of extraSecrets) secrets.add(value);
  return redactData(data, createTextRedactor(secrets)) as T;
}
