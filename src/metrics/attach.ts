import type { WarningEvent } from '../core/events.js';
import type { HistoryPoint } from './history.js';
import { MetricsSampler } from './sampler.js';
import type { MetricsHost, MetricsSamplerOptions, ProcessFigures } from './types.js';

/** The parts of a Supervisor that metrics plug into (structural, so this module stays light). */
export interface MetricsTarget {
  readonly manager: MetricsHost & {
    on(event: 'warning', listener: (warning: WarningEvent) => void): () => void;
  };
  setMetrics(metrics: {
    latest(id: string): ProcessFigures | null;
    text(): Promise<string>;
    history(id: string): HistoryPoint[];
  }): void;
  onShutdown(listener: () => void): () => void;
}

/**
 * Starts sampling a supervisor's processes: `ps` and the API get the figures, `GET /metrics` the
 * Prometheus text, and sampling stops as soon as the shutdown begins (no limit acts on a stopping
 * process). `onWarning` receives the sampler's warnings (the printer's `warning`).
 */
export function attachMetrics(
  target: MetricsTarget,
  onWarning?: (warning: WarningEvent) => void,
  options: MetricsSamplerOptions = {},
): MetricsSampler {
  const sampler = new MetricsSampler(target.manager, options);
  target.setMetrics({
    latest: (id) => sampler.figures(id),
    text: () => sampler.metricsText(),
    history: (id) => sampler.history(id),
  });
  if (onWarning !== undefined) target.manager.on('warning', onWarning);
  target.onShutdown(() => void sampler.stop());
  sampler.start();
  return sampler;
}
