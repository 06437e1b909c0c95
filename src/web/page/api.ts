/** The API's shapes as the page uses them (README "JSON output"; the supervisor owns them). */
export interface Row {
  name: string;
  instance: number | null;
  process: string;
  type: string;
  status: string;
  health: string;
  pid: number | null;
  restarts: number;
  uptime_ms: number | null;
  cpu: number | null;
  memory: number | null;
  ports: number[];
  group: string | null;
  tags: string[];
  branch: string | null;
  reason: string | null;
}

export interface LogLine {
  time: string;
  process: string;
  stream: 'out' | 'err' | 'system';
  level: string | null;
  text: string;
  seq: number;
}

export interface Graph {
  nodes: string[];
  edges: [string, string][];
  processes: {
    name: string;
    type: string;
    group: string | null;
    tags: string[];
    dependsOn: { name: string; condition: string; implicit: boolean }[];
  }[];
  /** The last start's gates as the supervisor recorded them (`from` waited for `to`). */
  edgeTimings?: { from: string; to: string; state: string; waitedMs: number | null; since: number }[];
}

export interface ReportSummary {
  id: string;
  process: string;
  type: string;
  time: string;
  reason: string;
  exitCode: number | null;
  signal: string | null;
}

export interface Report extends Omit<ReportSummary, 'time'> {
  time: number;
  restartHistory: { time: number; exitCode: number | null; signal: string | null; reason?: string }[];
  lines: { time: number; stream: string; text: string }[];
  env: Record<string, string | undefined>;
}

export interface StateEvent {
  process: string;
  from: string;
  to: string;
  reason: string;
  time: number;
}

/** The API's error, or one the page makes up for a network failure: shown where it happened. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(
      body.error?.code ?? `HTTP_${response.status}`,
      body.error?.message ?? response.statusText,
    );
  } catch {
    // Not the API's JSON (a proxy's page): the status is all there is to say.
    return new ApiError(`HTTP_${response.status}`, `${response.status} ${response.statusText}`);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new ApiError('OFFLINE', `the dashboard's server does not answer (${String(error)})`);
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError('OFFLINE', `the dashboard's server does not answer (${String(error)})`);
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

export type Action = 'start' | 'stop' | 'restart' | 'pause' | 'resume';

/** `POST /v1/actions/:action`; resolves when the supervisor has done it (or throws its error). */
export function act(action: Action, targets: string[]): Promise<Row[]> {
  return postJson<Row[]>(`/v1/actions/${action}`, { targets });
}
