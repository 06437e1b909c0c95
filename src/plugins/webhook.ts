import type { CrashReportRequest, StateChangeEvent } from '../core/events.js';
import type { Plugin } from '../core/plugin.js';
import { OvrseerError } from '../errors.js';

export type WebhookEvent = 'crash' | 'failed' | 'unhealthy' | 'memory';

export interface WebhookOptions {
  url: string;
  /** @default ['crash', 'failed', 'unhealthy', 'memory'] */
  events?: WebhookEvent[];
  /** @default 5000 */
  timeout?: number;
  /** Extra headers (e.g. an authorization header for a private endpoint). */
  headers?: Record<string, string>;
  /** The project name in messages. */
  project?: string;
}

/**
 * The built-in `webhook` plugin (the prox "Notifications" wish): POSTs a JSON event with a
 * Slack-compatible `text` field when a process crashes, fails, turns unhealthy or passes its memory limit.
 */
export function createWebhookPlugin(options: WebhookOptions): Plugin {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `webhook: "url" must be an absolute http(s) URL, got ${JSON.stringify(options.url)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OvrseerError('OVRSEER_USAGE', `webhook: "url" must use http or https, got ${url.protocol}`);
  }
  const wanted = new Set<WebhookEvent>(options.events ?? ['crash', 'failed', 'unhealthy', 'memory']);
  const timeout = options.timeout ?? 5000;
  const project = options.project === undefined ? '' : `[${options.project}] `;
  const post = async (event: WebhookEvent, process: string, reason: string, time: number): Promise<void> => {
    if (!wanted.has(event)) return;
    const body = {
      event,
      process,
      reason,
      time: new Date(time).toISOString(),
      text: `${project}${process}: ${event} — ${reason}`,
    };
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
    await response.body?.cancel();
    if (!response.ok) throw new OvrseerError('OVRSEER_INTERNAL', `webhook answered HTTP ${response.status}`);
  };
  return {
    name: 'webhook',
    async onStateChange(event: StateChangeEvent) {
      if (event.to === 'crashed') await post('crash', event.process, event.reason, event.time);
      if (event.to === 'failed') await post('failed', event.process, event.reason, event.time);
    },
    async onCrashReport(report: CrashReportRequest) {
      if (report.type === 'unhealthy') await post('unhealthy', report.process, report.reason, report.time);
      if (report.type === 'memoryLimit') await post('memory', report.process, report.reason, report.time);
    },
  };
}
