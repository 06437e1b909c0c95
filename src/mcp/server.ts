import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { errorMessage } from '../errors.js';
import { VERSION } from '../version.js';
import { cutLine, cutText, DEFAULT_LOG_LINES, MAX_LOG_LINES } from './bounds.js';

/** How the server reaches the project's supervisor: located again at each call (it may have restarted). */
export interface ProjectApi {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** The project's config file, the one file the server reads. */
  readConfig(): string;
  /** Shown in the server's instructions. */
  projectName: string;
}

interface LogLine {
  time: string;
  process: string;
  stream: string;
  level: string;
  text: string;
  seq?: number;
}

function json(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: cutText(JSON.stringify(value, null, 1)) }] };
}

function failure(error: unknown): CallToolResult {
  return { content: [{ type: 'text', text: errorMessage(error) }], isError: true };
}

async function answer(work: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return json(await work());
  } catch (error) {
    // The agent reads the message (no supervisor running, an unknown name) and can act on it.
    if (error instanceof Error) return failure(error);
    throw error;
  }
}

const targetsShape = {
  targets: z
    .array(z.string().min(1).max(200))
    .min(1)
    .max(100)
    .describe('process names, name.N (one replica), group:G, tag:T, or all'),
};

const logShape = {
  names: z.array(z.string().min(1).max(200)).max(100).optional().describe('processes (default: all)'),
  lines: z
    .number()
    .int()
    .min(1)
    .max(MAX_LOG_LINES)
    .optional()
    .describe(`lines in this page (default ${DEFAULT_LOG_LINES})`),
  level: z.enum(['debug', 'info', 'warn', 'error']).optional().describe('this level and above'),
  since: z.string().max(40).optional().describe('a duration ago (5m) or an ISO time'),
  before: z
    .string()
    .regex(/^\d{1,16}$/, 'the next_before of a page')
    .optional()
    .describe('the `next_before` of the previous page: lines older than it (paging back)'),
};

/**
 * One page of log lines, newest last: `lines` of them before `before` (a sequence number: lines of
 * one millisecond are told apart), and `next_before` for the page older than it — null at the start
 * of what the supervisor keeps in memory.
 */
async function logPage(
  api: ProjectApi,
  args: z.infer<z.ZodObject<typeof logShape>>,
  grep?: string,
): Promise<unknown> {
  const lines = args.lines ?? DEFAULT_LOG_LINES;
  const query = new URLSearchParams();
  if (args.names !== undefined) query.set('names', args.names.join(','));
  if (args.level !== undefined) query.set('level', args.level);
  if (args.since !== undefined) query.set('since', args.since);
  if (grep !== undefined) query.set('grep', grep);
  if (args.before !== undefined) query.set('before', args.before);
  query.set('limit', String(lines + 1));
  const got = await api.get<LogLine[]>(`/v1/logs?${query}`);
  const more = got.length > lines;
  const page = got.slice(-lines);
  const oldest = page[0];
  return {
    lines: page.map((line) => ({ ...line, text: cutLine(line.text) })),
    next_before: more && oldest?.seq !== undefined ? String(oldest.seq) : null,
  };
}

/**
 * The MCP server of one project: tools over the running supervisor's API (list, logs, actions,
 * crash reports, why a process waits) and the config and dependency graph as resources. It runs
 * no command of its own and reads no file but the config.
 */
export function createOvrseerMcpServer(api: ProjectApi): McpServer {
  const server = new McpServer(
    { name: 'ovrseer', version: VERSION },
    {
      instructions: `Processes of the ovrseer project "${api.projectName}": list them, read and search their logs (paged), start/stop/restart them, read crash reports. Start the project itself with \`ovrseer up -d\` in a terminal.`,
    },
  );
  const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

  server.registerTool(
    'list_processes',
    {
      title: 'List processes',
      description:
        'Every process instance: status, health, pid, uptime, restarts, cpu, memory, ports, reason.',
      annotations: readOnly,
    },
    () => answer(() => api.get('/v1/processes')),
  );
  server.registerTool(
    'read_logs',
    {
      title: 'Read logs',
      description: `The newest log lines (up to ${MAX_LOG_LINES} a page), newest last; pass next_before to page back.`,
      inputSchema: logShape,
      annotations: readOnly,
    },
    (args) => answer(() => logPage(api, args)),
  );
  server.registerTool(
    'search_logs',
    {
      title: 'Search logs',
      description:
        'Log lines matching an RE2 regular expression (case-sensitive), newest last, paged like read_logs.',
      inputSchema: { pattern: z.string().min(1).max(1000).describe('RE2 regular expression'), ...logShape },
      annotations: readOnly,
    },
    ({ pattern, ...args }) => answer(() => logPage(api, args, pattern)),
  );
  server.registerTool(
    'start_processes',
    {
      title: 'Start processes',
      description: 'Start stopped processes (and wait for nothing: list_processes shows how they come up).',
      inputSchema: targetsShape,
      annotations: { destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ targets }) => answer(() => api.post('/v1/actions/start', { targets })),
  );
  for (const action of ['stop', 'restart'] as const) {
    server.registerTool(
      `${action}_processes`,
      {
        title: `${action === 'stop' ? 'Stop' : 'Restart'} processes`,
        description: `${action === 'stop' ? 'Stop' : 'Restart'} processes gracefully (SIGTERM, then SIGKILL after their stop timeout).`,
        inputSchema: targetsShape,
        annotations: { destructiveHint: true, idempotentHint: action === 'stop', openWorldHint: false },
      },
      ({ targets }) => answer(() => api.post(`/v1/actions/${action}`, { targets })),
    );
  }
  server.registerTool(
    'list_crash_reports',
    {
      title: 'List crash reports',
      description:
        'Crash, crash-loop, OOM and health-failure reports, newest first: id, process, type, time.',
      annotations: readOnly,
    },
    () => answer(() => api.get('/v1/reports')),
  );
  server.registerTool(
    'read_crash_report',
    {
      title: 'Read a crash report',
      description: 'One report in full: exit, signal, last log lines, environment summary (cut at 64 KB).',
      inputSchema: { id: z.string().min(1).max(200).describe('a report id from list_crash_reports') },
      annotations: readOnly,
    },
    ({ id }) => answer(() => api.get(`/v1/reports/${encodeURIComponent(id)}`)),
  );
  server.registerTool(
    'why_waiting',
    {
      title: 'Why is it waiting?',
      description: 'The conditions holding a pending process back (or the first cause of a failed one).',
      inputSchema: { name: z.string().min(1).max(200).describe('the process') },
      annotations: readOnly,
    },
    ({ name }) => answer(() => api.get(`/v1/why/${encodeURIComponent(name)}`)),
  );

  server.registerResource(
    'config',
    'ovrseer://config',
    {
      title: 'The project config',
      description: 'The ovrseer.yml (or Procfile, …) in force',
      mimeType: 'text/plain',
    },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: cutText(api.readConfig()) }] }),
  );
  server.registerResource(
    'graph',
    'ovrseer://graph',
    {
      title: 'The dependency graph',
      description: 'nodes, edges (depends on) and their conditions',
      mimeType: 'application/json',
    },
    async (uri) => ({
      contents: [
        { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await api.get('/v1/graph')) },
      ],
    }),
  );
  return server;
}
