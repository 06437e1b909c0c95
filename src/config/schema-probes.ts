import { z } from 'zod';
import { HTTP_PROBE_DEFAULTS } from './defaults.js';
import type { CommandInput, HealthInput, ProbeInput, ReadyInput } from './input.js';
import { expandInstanceVariables } from './interpolate.js';
import { commandSchema, intSchema, oneOf, regexSchema } from './schema-common.js';
import { durationSchema } from './units.js';
import { userPatternProblem } from './user-pattern.js';

/** `200`, `"2xx"`, `"200-399"` → an inclusive range. */
export const statusSchema = z
  .union([z.number().int(), z.string()], { error: 'expected a status such as 200, "2xx" or "200-399"' })
  .transform((value, ctx) => {
    const text = String(value).trim();
    const match = /^([1-5])xx$/i.exec(text) ?? /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(text);
    if (match !== null) {
      const [, first = '', second] = match;
      const range = text.toLowerCase().endsWith('xx')
        ? { min: Number(first) * 100, max: Number(first) * 100 + 99 }
        : { min: Number(first), max: Number(second ?? first) };
      if (range.min >= 100 && range.max <= 599 && range.min <= range.max) return range;
    }
    ctx.addIssue({
      code: 'custom',
      message: `expected a status such as 200, "2xx" or "200-399", got ${JSON.stringify(value)}`,
      input: value,
    });
    return z.NEVER;
  });

/**
 * Probe addresses may hold `$PORT` and `$PS` (each instance's own, expanded at run time): they are
 * checked as an instance would see them, so `$PORT` passes in the port's place and nowhere else.
 */
const PLACEHOLDERS = { PORT: '65535', PS: 'ps.1' };

const urlSchema = z.string().superRefine((value, ctx) => {
  const url = expandInstanceVariables(value, PLACEHOLDERS);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    const hint = url.includes('$')
      ? // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal form, shown to the user
        ' (only $PORT and $PS are left for each instance; write other variables as ${NAME})'
      : '';
    ctx.addIssue({
      code: 'custom',
      message: `expected an http:// or https:// URL, got ${JSON.stringify(value)}${hint}`,
      input: value,
    });
  }
});

export const httpProbeSchema = z
  .union([
    urlSchema,
    z.strictObject({
      url: urlSchema,
      method: oneOf(['GET', 'HEAD', 'POST']).optional(),
      headers: z.record(z.string(), z.string()).optional(),
      status: statusSchema.optional(),
    }),
  ])
  .transform((value): ProbeInput => {
    const http = typeof value === 'string' ? { url: value } : value;
    return {
      kind: 'http',
      url: http.url,
      method: http.method ?? HTTP_PROBE_DEFAULTS.method,
      headers: http.headers ?? {},
      status: http.status ?? { ...HTTP_PROBE_DEFAULTS.status },
    };
  });

/** `"host:port"`, `"[::1]:port"` or a bare port on 127.0.0.1; the port may be `$PORT` (kept as text). */
export const tcpProbeSchema = z.union([z.string(), z.number()]).transform((value, ctx): ProbeInput => {
  const text = String(value).trim();
  // The colon of `${PORT:-3000}` does not separate host and port.
  const colon = text.replace(/\$\{[^}]*\}/g, (reference) => '_'.repeat(reference.length)).lastIndexOf(':');
  const host = colon === -1 ? '' : text.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const portText = colon === -1 ? text : text.slice(colon + 1);
  const port = Number(expandInstanceVariables(portText, PLACEHOLDERS));
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    ctx.addIssue({
      code: 'custom',
      message: `expected "host:port" or a port number, got ${JSON.stringify(value)}`,
      input: value,
    });
    return z.NEVER;
  }
  // `$PORT` stays for each instance to expand (any other variable was interpolated at load).
  return {
    kind: 'tcp',
    host: host === '' ? '127.0.0.1' : host,
    port: portText.includes('$') ? portText : port,
  };
});

export const logProbeSchema = z
  .union([regexSchema, z.strictObject({ pattern: regexSchema, flags: z.string().optional() })])
  .transform((value, ctx): ProbeInput => {
    const log =
      typeof value === 'string'
        ? { pattern: value, flags: '' }
        : { pattern: value.pattern, flags: value.flags ?? '' };
    const problem = userPatternProblem(log.pattern, { flags: log.flags });
    if (problem !== null) {
      ctx.addIssue({ code: 'custom', message: problem, input: value });
      return z.NEVER;
    }
    return { kind: 'log', ...log, notFoundMeansHealthy: false };
  });

const probeShape = {
  log: logProbeSchema.optional(),
  http: httpProbeSchema.optional(),
  tcp: tcpProbeSchema.optional(),
  exec: commandSchema.optional(),
};

type ProbeFields = {
  log?: ProbeInput;
  http?: ProbeInput;
  tcp?: ProbeInput;
  exec?: CommandInput;
  notify?: boolean;
};

/** Exactly one of log/http/tcp/exec, as a probe; `null` after reporting why not. */
function pickProbe(
  value: ProbeFields,
  ctx: z.RefinementCtx,
  kinds = 'log, http, tcp or exec',
): ProbeInput | null {
  const probes: ProbeInput[] = [];
  if (value.log) probes.push(value.log);
  if (value.http) probes.push(value.http);
  if (value.tcp) probes.push(value.tcp);
  if (value.exec) probes.push({ kind: 'exec', command: value.exec });
  if (value.notify) probes.push({ kind: 'notify' });
  const [probe] = probes;
  if (probe !== undefined && probes.length === 1) return probe;
  const message =
    probe === undefined
      ? `expected a probe: one of ${kinds}`
      : `one probe per entry, got ${probes.map((p) => p.kind).join(' and ')} (use a list for several)`;
  ctx.addIssue({ code: 'custom', message, input: value });
  return null;
}

export const readyItemSchema = z
  .strictObject({
    ...probeShape,
    /** systemd's sd_notify: the process gets `NOTIFY_SOCKET` and is ready at `READY=1` (docs/ipc.md). */
    notify: z.boolean({ error: 'expected notify: true (sd_notify readiness)' }).optional(),
    interval: durationSchema.optional(),
    timeout: durationSchema.optional(),
    initial_delay: durationSchema.optional(),
  })
  .transform((value, ctx): ReadyInput => {
    const probe = pickProbe(value, ctx, 'log, http, tcp, exec or notify: true');
    if (probe === null) return z.NEVER;
    return { probe, interval: value.interval, timeout: value.timeout, initialDelay: value.initial_delay };
  });

/** One probe object, or a list of them: all must pass. */
export const readySchema = z
  .union([readyItemSchema, z.array(readyItemSchema)], {
    error: 'expected a probe such as {log: "…"} or a list of them',
  })
  .transform((value) => (Array.isArray(value) ? value : [value]));

export const healthSchema = z
  .strictObject({
    ...probeShape,
    interval: durationSchema.optional(),
    timeout: durationSchema.optional(),
    retries: intSchema(1).optional(),
    on_failure: oneOf(['restart', 'none']).optional(),
    initial_delay: durationSchema.optional(),
    not_found_means_healthy: z.boolean().optional(),
  })
  .transform((value, ctx): HealthInput => {
    let probe = pickProbe(value, ctx);
    if (probe === null) return z.NEVER;
    if (value.not_found_means_healthy !== undefined) {
      if (probe.kind !== 'log') {
        const message = 'not_found_means_healthy only applies to a log probe';
        ctx.addIssue({ code: 'custom', message, path: ['not_found_means_healthy'], input: value });
        return z.NEVER;
      }
      probe = { ...probe, notFoundMeansHealthy: value.not_found_means_healthy };
    }
    const { interval, timeout, retries, on_failure: onFailure, initial_delay: initialDelay } = value;
    return { probe, interval, timeout, retries, onFailure, initialDelay };
  });
