import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { tryParseDuration } from '../../config/units.js';
import { compileUserPattern } from '../../config/user-pattern.js';
import type { ManagerEvents } from '../../core/events.js';
import { OvrseerError } from '../../errors.js';
import { type LogRecord, logRecord } from '../../logs/format.js';
import type { LogEntry, LogQuery } from '../../logs/types.js';
import { MAX_SNAPSHOT_LINES } from '../snapshot/format.js';
import type { ApiBackend } from './backend.js';
import { bearerToken } from './bearer-token.js';
import { DroppingQueue } from './event-queue.js';
import { type ApiLimits, DEFAULT_API_LIMITS } from './limits.js';
import { cookieValue, queryToken, TOKEN_COOKIE, tokenCookie, withoutToken } from './page-token.js';
import { errorReply, MAX_TARGETS, TARGET_PATTERN, validAction, validId } from './request-checks.js';
import { defaultWebRoot, readStaticFile } from './static-files.js';

const target = z.string().regex(TARGET_PATTERN, 'a target: name, name.N, group:G, tag:T or all');
/** What `actionTargets` accepts, with zod's words for what it refuses. */
export const actionBody = z.strictObject({ targets: z.array(target).min(1).max(MAX_TARGETS) });
const scaleBody = z.strictObject({ replicas: z.number().int().min(0).max(1000) });
const reloadBody = z.strictObject({ dryRun: z.boolean().optional() });
const adoptBody = z.strictObject({
  pid: z
    .number()
    .int()
    .min(2)
    .max(2 ** 22),
});
/** `POST /v1/messages` (docs/ipc.md): `to` a target or `*`, `message` any JSON value. */
const messageBody = z.strictObject({
  to: z.union([z.literal('*'), target]),
  message: z.unknown().refine((value) => value !== undefined, 'expected any JSON value (null included)'),
});
/** A count in a query string (`limit=0` is allowed: no earlier lines, as `tail -n 0`). */
function countParam(what: string, max: number) {
  return z
    .string()
    .refine((value) => /^\d+$/.test(value) && Number(value) <= max, {
      error: (issue) =>
        `expected a whole number of ${what} from 0 to ${max}, got ${JSON.stringify(issue.input)}`,
    })
    .transform(Number);
}
const logQuery = z.strictObject({
  names: z.string().optional(),
  grep: z.string().max(1000).optional(),
  since: z.string().optional(),
  level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  limit: countParam('lines', 100_000).optional(),
  follow: z.enum(['0', '1', 'true', 'false']).optional(),
  fixed: z.enum(['0', '1']).optional(),
  ignore_case: z.enum(['0', '1']).optional(),
  after: countParam('entries (a seq)', Number.MAX_SAFE_INTEGER).optional(),
  /** Lines older than this seq only: the page before one read (the MCP server's paging). */
  before: countParam('entries (a seq)', Number.MAX_SAFE_INTEGER).optional(),
  batch: z.enum(['0', '1']).optional(),
});

const snapshotQuery = z.strictObject({
  lines: countParam('lines per instance', MAX_SNAPSHOT_LINES).optional(),
});

/**
 * The most one `GET /v1/logs` search may hold the supervisor's thread (everything else waits
 * meanwhile): a search over 1,000,000 ordinary lines takes well under it.
 */
export const SEARCH_BUDGET_MS = 500;

function fail(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

async function parseBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    // Not JSON at all: the issue below says so; the parse error itself adds nothing for the client.
    raw = undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest(parsed.error);
  return parsed.data;
}

function badRequest(error: z.ZodError): OvrseerError {
  const issue = error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  return new OvrseerError('OVRSEER_USAGE', `${where}: ${issue?.message ?? 'invalid request'}`);
}

export interface AppOptions {
  /** The dashboard's built page (`GET /`, `/assets/*`). @default defaultWebRoot() (dist/web/) */
  webRoot?: string;
}

/** Builds the HTTP API (README, "The API") over a backend; `token` guards TCP listeners. */
export function createApp(
  backend: ApiBackend,
  token: ((presented: string | undefined) => boolean) | null,
  limits: Pick<ApiLimits, 'maxBodyBytes' | 'eventQueue'> = DEFAULT_API_LIMITS,
  options: AppOptions = {},
): Hono {
  const webRoot = options.webRoot ?? defaultWebRoot();
  const app = new Hono();
  // Before the token check: the size is known from the head, and nothing of the body is read.
  app.use(
    '*',
    bodyLimit({
      maxSize: limits.maxBodyBytes,
      onError: (c) =>
        fail(
          c,
          413,
          'OVRSEER_PAYLOAD_TOO_LARGE',
          `the request body is larger than the API's limit of ${limits.maxBodyBytes} bytes; send it in smaller pieces`,
        ),
    }),
  );
  if (token !== null) {
    app.use('*', async (c, next) => {
      // The page's first request brings the token in its URL; it gets the cookie and a clean URL.
      const inUrl = c.req.method === 'GET' && c.req.path === '/' ? queryToken(c.req.url) : undefined;
      if (inUrl !== undefined && token(inUrl)) {
        c.header('set-cookie', tokenCookie(inUrl));
        const url = new URL(c.req.url);
        return c.redirect(withoutToken(url.pathname + url.search), 302);
      }
      const presented =
        bearerToken(c.req.header('authorization')) ?? cookieValue(c.req.header('cookie'), TOKEN_COOKIE);
      if (!token(presented)) {
        return fail(
          c,
          401,
          'OVRSEER_UNAUTHORIZED',
          'missing or wrong token: send `Authorization: Bearer <token>`, or open the dashboard with the URL `ovrseer dashboard` printed (?token=…)',
        );
      }
      await next();
      return undefined;
    });
  }
  app.onError((error, c) => {
    const reply = errorReply(error, (failure) => backend.reportError(failure, 'api request'));
    return c.json(reply.body, reply.status as ContentfulStatusCode);
  });
  app.notFound((c) => fail(c, 404, 'OVRSEER_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));

  app.get('/v1/processes', (c) => c.json(backend.rows()));
  app.get('/v1/processes/:name', (c) => {
    const name = validId(c.req.param('name'));
    const rows = backend.rows().filter((row) => row.name === name || row.process === name);
    if (rows.length === 0) throw new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `unknown process "${name}"`);
    return c.json(rows.length === 1 ? rows[0] : rows);
  });
  app.post('/v1/processes/:name/scale', async (c) => {
    const name = validId(c.req.param('name'));
    const { replicas } = await parseBody(c, scaleBody);
    await backend.scale(name, replicas);
    return c.json(backend.rows().filter((row) => row.process === name));
  });
  app.post('/v1/reload', async (c) => {
    const dryRun = (await parseBody(c, reloadBody.optional()))?.dryRun;
    if (backend.reload === undefined)
      return fail(c, 404, 'OVRSEER_NOT_FOUND', 'this supervisor cannot reload');
    return c.json(await backend.reload({ dryRun: dryRun === true }));
  });
  app.post('/v1/processes/:name/adopt', async (c) => {
    const name = validId(c.req.param('name'));
    const { pid } = await parseBody(c, adoptBody);
    await backend.adopt(name, pid);
    return c.json(backend.rows().filter((row) => row.name === name));
  });
  app.post('/v1/processes/:name/input', async (c) => {
    const name = validId(c.req.param('name'));
    const data = Buffer.from(await c.req.arrayBuffer());
    if (!backend.sendInput(name, data))
      throw new OvrseerError('OVRSEER_INVALID_STATE', `${name} is not running`);
    return c.json({ ok: true, bytes: data.length });
  });
  app.get('/v1/processes/:name/history', (c) => c.json(backend.history(validId(c.req.param('name')))));
  app.get('/v1/processes/:name/context', (c) => c.json(backend.context(validId(c.req.param('name')))));
  app.post('/v1/processes/:name/:action', async (c) => {
    const action = validAction(c.req.param('action'));
    await backend.act(action, [validId(c.req.param('name'))]);
    return c.json(backend.rows());
  });
  app.post('/v1/actions/:action', async (c) => {
    const action = validAction(c.req.param('action'));
    const { targets } = await parseBody(c, actionBody);
    await backend.act(action, targets);
    return c.json(backend.rows());
  });
  app.post('/v1/messages', async (c) => {
    const { to, message } = await parseBody(c, messageBody);
    return c.json(backend.sendMessage(to, message));
  });
  app.get('/v1/logs', (c) => logs(c, backend));
  app.get('/v1/events', (c) => events(c, backend, limits.eventQueue));
  app.get('/v1/reports', (c) => c.json(backend.reports()));
  app.get('/v1/reports/:id', (c) => {
    const report = backend.report(c.req.param('id'));
    if (report === undefined)
      throw new OvrseerError('OVRSEER_NOT_FOUND', `no crash report ${c.req.param('id')}`);
    return c.json(report);
  });
  app.post('/v1/shutdown', (c) => {
    backend.shutdown();
    // The pid lets `ovrseer down` wait until the process is gone, not only its socket.
    const pid = backend.exitingPid();
    return c.json(pid === null ? { ok: true } : { ok: true, pid }, 202);
  });
  app.get('/v1/graph', (c) => c.json(backend.graph()));
  app.get('/v1/snapshot', (c) => {
    const parsed = snapshotQuery.safeParse(c.req.query());
    if (!parsed.success) throw badRequest(parsed.error);
    return c.json(backend.snapshot(parsed.data.lines === undefined ? {} : { lines: parsed.data.lines }));
  });
  app.get('/v1/why/:name', (c) => c.json(backend.why(validId(c.req.param('name')))));
  const page = async (c: Context): Promise<Response> => {
    const file = await readStaticFile(webRoot, c.req.path);
    if (file === null)
      return fail(
        c,
        404,
        'OVRSEER_NOT_FOUND',
        c.req.path === '/'
          ? `the dashboard is not built: no ${webRoot}index.html (run \`npm run build\`)`
          : `no file ${c.req.path}`,
      );
    return c.body(new Uint8Array(file.body), 200, {
      'content-type': file.type,
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  };
  app.get('/', page);
  app.get('/assets/*', page);
  app.get('/metrics', async (c) =>
    c.text(await backend.metricsText(), 200, { 'content-type': 'text/plain; version=0.0.4' }),
  );
  return app;
}

function toQuery(params: z.infer<typeof logQuery>, backend: ApiBackend): LogQuery {
  const query: LogQuery = {};
  if (params.names !== undefined && params.names !== '') {
    const selectors = params.names.split(',');
    for (const selector of selectors) {
      const parsed = target.safeParse(selector);
      if (!parsed.success) {
        throw new OvrseerError(
          'OVRSEER_USAGE',
          `names: ${JSON.stringify(selector)} is not a target (name, name.N, group:G, tag:T or all)`,
        );
      }
    }
    // The supervisor resolves them against what runs now: after `scale web=3`, `web.3` exists.
    const processes = backend.logTargets(selectors);
    if (processes !== undefined) query.processes = processes;
  }
  if (params.grep !== undefined) {
    query.fixed = params.fixed === '1';
    query.ignoreCase = params.ignore_case === '1';
    // Compiled here for the 400 (OVRSEER_PATTERN_INVALID) before any stream starts.
    compileUserPattern(params.grep, { fixed: query.fixed, ignoreCase: query.ignoreCase, key: 'grep' });
    query.grep = params.grep;
  }
  if (params.since !== undefined) query.since = parseSince(params.since);
  if (params.level !== undefined) query.level = params.level;
  if (params.limit !== undefined) query.limit = params.limit;
  if (params.before !== undefined) query.before = params.before;
  if (params.after !== undefined) query.after = params.after;
  return query;
}

/** `5m` (ago) or an ISO time. */
export function parseSince(value: string, now = Date.now()): number {
  const ago = tryParseDuration(value);
  if (ago !== null) return now - ago;
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `since: expected a duration like 5m or an ISO time, got "${value}"`,
    );
  return time;
}

function logs(c: Context, backend: ApiBackend): Response | Promise<Response> {
  const parsed = logQuery.safeParse(c.req.query());
  if (!parsed.success) throw badRequest(parsed.error);
  const store = backend.logStore();
  const query = toQuery(parsed.data, backend);
  const first = store.query({ ...query, budgetMs: SEARCH_BUDGET_MS });
  const follow = parsed.data.follow === '1' || parsed.data.follow === 'true';
  // `batch=1` (the dashboard): `event: logs` with an array of up to LOG_BATCH entries, in place of
  // one `event: log` per line: a flood costs both ends a thousand times fewer events.
  const batched = parsed.data.batch === '1';
  if (!follow) return c.json(first.entries.map(entryJson));
  return streamSSE(c, async (stream) => {
    let cursor = first.cursor;
    const send = async (entries: readonly LogEntry[]): Promise<void> => {
      if (!batched) {
        for (const entry of entries)
          await stream.writeSSE({ event: 'log', data: JSON.stringify(entryJson(entry)) });
        return;
      }
      for (let at = 0; at < entries.length; at += LOG_BATCH)
        await stream.writeSSE({
          event: 'logs',
          data: JSON.stringify(entries.slice(at, at + LOG_BATCH).map(entryJson)),
        });
    };
    await send(first.entries);
    let wake: (() => void) | null = null;
    const off = store.onAppend(() => wake?.());
    stream.onAbort(() => wake?.());
    try {
      while (!stream.aborted && !stream.closed) {
        // Only lines that arrived since: no budget, a follower must not stop mid-stream.
        const next = store.query({ ...query, after: cursor, limit: 10_000 });
        cursor = next.cursor;
        await send(next.entries);
        if (next.entries.length === 10_000) continue;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      off();
    }
  });
}

/** Entries per `event: logs` of a `batch=1` stream. */
const LOG_BATCH = 1_000;

/** An entry as the API sends it: the `logs --json` record, plus `seq` (the cursor for `after=`). */
export function entryJson(entry: LogEntry): LogRecord & { seq: number } {
  return { ...logRecord(entry), seq: entry.seq };
}

/**
 * `/v1/events`: each subscriber has its own bounded queue. One that reads slower than events come gets
 * `event: dropped` `{"count": N}` in place of the N oldest it missed (see `DroppingQueue`).
 */
function events(c: Context, backend: ApiBackend, capacity: number): Response {
  // `rows=1` (the dashboard): the whole `GET /v1/processes` answer as `event: rows`, at once, after
  // changes (coalesced) and every ROWS_INTERVAL_MS for the figures that change without an event.
  const withRows = c.req.query('rows') === '1';
  return streamSSE(c, async (stream) => {
    const queue = new DroppingQueue<{ event: keyof ManagerEvents | 'rows'; data: unknown }>(capacity);
    let wake: (() => void) | null = null;
    let rowsDue = withRows;
    let rowsTimer: NodeJS.Timeout | null = null;
    const rowsSoon = (): void => {
      rowsTimer ??= setTimeout(() => {
        rowsTimer = null;
        rowsDue = true;
        wake?.();
      }, ROWS_COALESCE_MS);
    };
    const push = (event: keyof ManagerEvents) => (data: unknown) => {
      queue.push({ event, data: event === 'error' ? errorJson(data) : data });
      if (withRows && (event === 'state' || event === 'health')) rowsSoon();
      wake?.();
    };
    // Warnings (leak, limits) only for the dashboard: older clients know the four others.
    const kinds: (keyof ManagerEvents)[] = ['state', 'health', 'error', 'idle'];
    if (withRows) kinds.push('warning');
    // The warnings from before the page opened first (a page seeing one twice, after a reconnect,
    // knows it by its time).
    if (withRows)
      for (const warning of backend.warnings?.() ?? []) queue.push({ event: 'warning', data: warning });
    const offs = kinds.map((event) => backend.on(event, push(event)));
    const ticker = withRows
      ? setInterval(() => {
          rowsDue = true;
          wake?.();
        }, ROWS_INTERVAL_MS)
      : null;
    stream.onAbort(() => wake?.());
    try {
      while (!stream.aborted && !stream.closed) {
        if (rowsDue) {
          rowsDue = false;
          await stream.writeSSE({ event: 'rows', data: JSON.stringify(backend.rows()) });
          continue;
        }
        const taken = queue.take();
        if (taken?.kind === 'dropped') {
          await stream.writeSSE({ event: 'dropped', data: JSON.stringify({ count: taken.count }) });
          continue;
        }
        if (taken !== undefined) {
          await stream.writeSSE({ event: taken.item.event, data: JSON.stringify(taken.item.data) });
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      for (const off of offs) off();
      if (ticker !== null) clearInterval(ticker);
      if (rowsTimer !== null) clearTimeout(rowsTimer);
    }
  });
}

/** How often `rows=1` sends the rows without a change (CPU, memory and uptime move on their own). */
export const ROWS_INTERVAL_MS = 2_000;
/** State changes within this window are sent as one `rows` event. */
const ROWS_COALESCE_MS = 50;

function errorJson(data: unknown): unknown {
  const event = data as ManagerEvents['error'];
  return { message: event.error.message, context: event.context, time: event.time };
}
