// The public library API: re-exports only.
export {
  discoverConfig,
  loadProject,
  parseProjectText,
  projectJsonSchema,
  summarizeProject,
} from './config/index.js';
export type * from './config/spec.js';
export type { AdoptTarget } from './core/adopt/adoptable.js';
export { type Clock, systemClock } from './core/clock.js';
export type {
  ErrorContext,
  ErrorEvent,
  ErrorHandler,
  ErrorSeverity,
  HealthChangeEvent,
  LogLineEvent,
  LogOutputEvent,
  LogStream,
  ManagerEvents,
  StateChangeEvent,
  WarningEvent,
} from './core/events.js';
export type { DependencyGraph } from './core/graph.js';
export { MAX_MESSAGE_BYTES } from './core/ipc/framing.js';
export { BROADCAST, type IpcMessage, SUPERVISOR_SENDER } from './core/ipc/message-bus.js';
export { LineBatch } from './core/line-batch.js';
export {
  ManagedProcess,
  type ProcessInfo,
  type StopOptions,
  type StopProgress,
} from './core/managed-process.js';
export type { Probe, ProbeContext, ProbeFactory, ProbeResult } from './core/probes/probe.js';
export { ProcessManager, type ProcessManagerOptions, type ShutdownResult } from './core/process-manager.js';
export { type ExitInfo, type RestartDecision, RestartPolicy } from './core/restart/policy.js';
export type { HealthState, ProcessState } from './core/states.js';
export { ConfigError, type ConfigIssue, OvrseerError, type OvrseerErrorCode } from './errors.js';
export {
  EXPORT_FORMATS,
  type ExportFile,
  type ExportFormat,
  type ExportOptions,
  type ExportResult,
  exportProject,
  type WriteOptions,
  type WriteResult,
  writeExport,
} from './export/index.js';
export { type FollowOptions, LogFollower } from './logs/file-follow.js';
export { type FileQueryOptions, queryLogFiles } from './logs/file-reader.js';
export { FileSink, type FileSinkOptions } from './logs/file-sink.js';
export {
  formatFileLine,
  formatJsonLine,
  formatLogRecord,
  formatTextLine,
  type LogRecord,
  logRecord,
  parseFileLine,
} from './logs/format.js';
export { queryLogHistory } from './logs/history.js';
export { detectLogLevel, isLogLevel, LOG_LEVELS, type LogLevel } from './logs/levels.js';
export { type DropReason, LogFileWriter, type LogFileWriterOptions } from './logs/log-file-writer.js';
export {
  type LogInput,
  type LogListener,
  type LogOutputInput,
  LogStore,
  type LogStoreOptions,
} from './logs/log-store.js';
export { createProjectLogs, type ProjectLogs, type ProjectLogsOptions } from './logs/project-logs.js';
export type { StreamToFileOptions } from './logs/stream-file.js';
export { type LogTargets, resolveLogTargets } from './logs/targets.js';
export { type LogEntry, type LogQuery, type LogQueryResult, type LogSink, SKIPPED } from './logs/types.js';
export { attachMetrics, type MetricsTarget } from './metrics/attach.js';
export type { HistoryPoint } from './metrics/history.js';
export { formatPorts } from './metrics/ports.js';
export { MetricsSampler } from './metrics/sampler.js';
export type {
  InstanceMetrics,
  MetricsHost,
  MetricsInstance,
  MetricsSamplerOptions,
  ProcessFigures,
  SamplerStats,
  TreeFigures,
  TreeSource,
} from './metrics/types.js';
export { CrashReporter, type CrashReporterOptions } from './reports/crash-reporter.js';
export { isSecretKey, REDACTED, redactReportData } from './reports/redact.js';
export {
  CRASH_REPORT_TYPES,
  type CrashReport,
  type CrashReportFilter,
  type CrashReportInput,
  type CrashReportLine,
  type CrashReportSummary,
  type CrashReportTruncation,
  type CrashReportType,
} from './reports/types.js';
export type { SnapshotOptions } from './supervisor/snapshot/build.js';
export {
  DEFAULT_SNAPSHOT_LINES,
  parseSnapshot,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type Snapshot,
} from './supervisor/snapshot/format.js';
export { type RestorePlan, readSnapshotFile, restorePlan } from './supervisor/snapshot/restore.js';
export { Supervisor, type SupervisorOptions } from './supervisor/supervisor.js';
export { SupervisorLog, type SupervisorLogOptions } from './supervisor/supervisor-log.js';
