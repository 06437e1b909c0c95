import { z } from 'zod';
import type { ProjectSpec } from '../../config/spec.js';
import { OvrseerError } from '../../errors.js';
import type { LogRecord } from '../../logs/format.js';
import type { HistoryPoint } from '../../metrics/history.js';
import type { CrashReport, CrashReportSummary } from '../../reports/types.js';

/** `format` of every snapshot file: tells one from any other JSON file. */
export const SNAPSHOT_FORMAT = 'ovrseer-snapshot';
/** The only version written so far; a reader refuses newer ones instead of guessing (docs/snapshots.md). */
export const SNAPSHOT_VERSION = 1;
/** Lines kept per instance when nobody says (`--lines N`, `?lines=N`). */
export const DEFAULT_SNAPSHOT_LINES = 200;
/** The most lines per instance a snapshot may ask for: 1,000 instances × this stays a file one can open. */
export const MAX_SNAPSHOT_LINES = 10_000;

/** One instance as it was: the `ps --json` row (its documented fields, more may be present). */
export interface SnapshotInstance {
  name: string;
  process: string;
  instance: number | null;
  type: string;
  status: string;
  health: string;
  reason: string | null;
  pid: number | null;
  restarts: number;
  uptime_ms: number | null;
  cpu: number | null;
  memory: number | null;
  ports: number[];
  [key: string]: unknown;
}

export interface SnapshotHistory {
  points: HistoryPoint[];
  memoryLimit: number | null;
  cpuLimit: number | null;
}

/** Version 1 of the snapshot file; every field is described in docs/snapshots.md. */
export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  /** ISO 8601, when it was taken. */
  createdAt: string;
  /** ovrseer's version that wrote it. */
  ovrseer: string;
  project: { name: string; id: string; dir: string; file: string | null };
  supervisor: { pid: number; started: string };
  config: {
    /** The config file as it was read when the supervisor started; null for a spec built in code. */
    source: { path: string; text: string } | null;
    /** The normalized, fully defaulted project the supervisor ran (what `up --from-snapshot` restores). */
    spec: ProjectSpec;
  };
  /** Instances per process at the time (after any `scale`), by process name. */
  replicas: Record<string, number>;
  instances: SnapshotInstance[];
  logs: {
    /** The most lines kept per instance. */
    lines: number;
    /** The newest lines by instance id, oldest first. */
    byInstance: Record<string, LogRecord[]>;
  };
  /** CPU/RSS history by instance id (what `GET /v1/processes/:name/history` serves). */
  metrics: Record<string, SnapshotHistory>;
  reports: {
    /** Every crash report the supervisor holds, newest first. */
    summaries: CrashReportSummary[];
    /** The newest whole reports that fit the size bound. */
    bodies: CrashReport[];
    /** Reports listed in `summaries` whose body was left out by the bound. */
    bodiesOmitted: number;
  };
}

const nullableNumber = z.number().nullable();

const instanceSchema = z.looseObject({
  name: z.string().min(1),
  process: z.string().min(1),
  instance: z.number().int().nullable(),
  type: z.string(),
  status: z.string(),
  health: z.string(),
  reason: z.string().nullable(),
  pid: z.number().int().nullable(),
  restarts: z.number().int().min(0),
  uptime_ms: nullableNumber,
  cpu: nullableNumber,
  memory: nullableNumber,
  ports: z.array(z.number().int()),
});

/**
 * The parts of a normalized process the restore relies on. The rest of `ProjectSpec` is the
 * engine's own shape, written by ovrseer and kept as it is (an edited file is the editor's risk).
 */
const processSpecSchema = z.looseObject({
  name: z.string().min(1),
  type: z.enum(['dependency', 'service', 'task', 'cleanup']),
  command: z.looseObject({ kind: z.enum(['argv', 'shell']) }),
  cwd: z.string().min(1),
  env: z.record(z.string(), z.string()),
  dependsOn: z.array(z.looseObject({ name: z.string() })),
  ready: z.array(z.unknown()),
  restart: z.looseObject({ policy: z.string() }),
  stop: z.looseObject({ timeout: z.number() }),
  tags: z.array(z.string()),
  replicas: z.number().int().min(0),
  disabled: z.boolean(),
});

const specSchema = z.looseObject({
  name: z.string().min(1),
  file: z.string().nullable(),
  dir: z.string().min(1),
  processes: z.array(processSpecSchema),
  settings: z.looseObject({
    stateDir: z.string().min(1),
    limits: z.looseObject({ maxProcesses: z.number().int() }),
    api: z.looseObject({}),
  }),
  plugins: z.array(z.unknown()),
});

const logRecordSchema = z.looseObject({
  time: z.string(),
  process: z.string(),
  stream: z.string(),
  level: z.string(),
  text: z.string(),
});

const historySchema = z.object({
  points: z.array(z.object({ time: z.number(), cpu: nullableNumber, rss: z.number() })),
  memoryLimit: nullableNumber,
  cpuLimit: nullableNumber,
});

const summarySchema = z.looseObject({
  id: z.string(),
  process: z.string(),
  type: z.string(),
  time: z.string(),
  reason: z.string(),
});

export const snapshotSchema = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  createdAt: z.iso.datetime(),
  ovrseer: z.string(),
  project: z.strictObject({ name: z.string(), id: z.string(), dir: z.string(), file: z.string().nullable() }),
  supervisor: z.strictObject({ pid: z.number().int(), started: z.string() }),
  config: z.strictObject({
    source: z.strictObject({ path: z.string(), text: z.string() }).nullable(),
    spec: specSchema,
  }),
  replicas: z.record(z.string(), z.number().int().min(0)),
  instances: z.array(instanceSchema),
  logs: z.strictObject({
    lines: z.number().int().min(0),
    byInstance: z.record(z.string(), z.array(logRecordSchema)),
  }),
  metrics: z.record(z.string(), historySchema),
  reports: z.strictObject({
    summaries: z.array(summarySchema),
    bodies: z.array(z.looseObject({ id: z.string(), version: z.literal(1) })),
    bodiesOmitted: z.number().int().min(0),
  }),
});

const snapshotError = (file: string, problem: string): OvrseerError =>
  new OvrseerError('OVRSEER_SNAPSHOT_INVALID', `${file}: ${problem}`);

/**
 * Checks a snapshot file's text and returns it typed. A file that is not JSON, not a snapshot, of a
 * newer version, or damaged throws `OVRSEER_SNAPSHOT_INVALID` naming the file and the key at fault.
 * @param file shown in the message
 */
export function parseSnapshot(text: string, file: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw snapshotError(
      file,
      `not JSON (${(error as Error).message}); is it a snapshot written by \`ovrseer snapshot\`, cut short?`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw snapshotError(file, 'not a JSON object: expected a file written by `ovrseer snapshot`');
  const head = data as { format?: unknown; version?: unknown };
  if (head.format !== SNAPSHOT_FORMAT)
    throw snapshotError(
      file,
      `not an ovrseer snapshot: "format" is ${JSON.stringify(head.format) ?? 'missing'}, expected "${SNAPSHOT_FORMAT}"`,
    );
  if (typeof head.version === 'number' && head.version > SNAPSHOT_VERSION)
    throw snapshotError(
      file,
      `snapshot version ${head.version} is newer than this ovrseer reads (${SNAPSHOT_VERSION}); use a newer ovrseer`,
    );
  const parsed = snapshotSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '(the file)' : issue.path.join('.');
    throw snapshotError(file, `damaged snapshot: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as unknown as Snapshot;
}
