import { describe, expect, it } from 'vitest';
import { FakeInstance, MB, setup } from './fake-host.js';

describe('Prometheus export', () => {
  it('renders Prometheus text: per process figures, state, health, restarts, and the supervisor', async () => {
    const api = new FakeInstance('api', 100);
    const db = new FakeInstance('db', 200);
    const { clock, source, sampler } = setup([api, db]);
    source.set(100, { cpu: null, memory: 30 * MB });
    source.set(200, { cpu: null, memory: 5 * MB });
    await sampler.sample();
    clock.advance(1000);
    source.set(100, { cpu: 42.5, memory: 30 * MB });
    await sampler.sample();
    const text = await sampler.metricsText();
    expect(text).toContain('ovrseer_process_up{process="api",name="api",project="shop"} 1');
    expect(text).toContain('ovrseer_process_cpu_percent{process="api",name="api",project="shop"} 42.5');
    // db's CPU is not measured yet: no series rather than a false 0.
    expect(text).not.toContain('ovrseer_process_cpu_percent{process="db"');
    expect(text).toContain(`ovrseer_process_memory_bytes{process="db",name="db",project="shop"} ${5 * MB}`);
    expect(text).toContain(
      'ovrseer_process_state{process="api",name="api",state="running",project="shop"} 1',
    );
    expect(text).toContain('ovrseer_process_state{process="api",name="api",state="failed",project="shop"} 0');
    expect(text).toContain(
      'ovrseer_process_health{process="api",name="api",health="healthy",project="shop"} 1',
    );
    expect(text).toContain('ovrseer_process_restarts_total{process="api",name="api",project="shop"} 2');
    expect(text).toContain('ovrseer_process_uptime_seconds{process="api",name="api",project="shop"} 5');
    expect(text).toMatch(/^# TYPE ovrseer_process_restarts_total counter$/m);
    expect(text).toMatch(/^ovrseer_supervisor_resident_memory_bytes\{project="shop"\} \d+$/m);
    expect(text).toMatch(/^ovrseer_metrics_passes_total\{project="shop"\} 2$/m);
    // A second scrape reads the figures again (no duplicate registration).
    expect(await sampler.metricsText()).toContain(
      'ovrseer_process_up{process="db",name="db",project="shop"} 1',
    );
  });
});
