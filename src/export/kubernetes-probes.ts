import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ProbeSpec, ProcessSpec } from '../config/spec.js';
import { commandArgv } from '../core/command.js';
import { hasUnknownPort, probeLoss, seconds, wholeProcess, withInstanceProbes } from './common.js';
import type { Notes } from './notes.js';

type Handler = Pick<IProbe, 'httpGet' | 'tcpSocket' | 'exec'>;

/** The kubelet probes the pod's own address: a check of localhost on this machine is a check of the pod. */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0']);

export function handlerOf(probe: ProbeSpec, notes: Notes, process: string, key: string): Handler | null {
  const loss = probeLoss(probe);
  if (loss !== null) notes.process(process, key, loss);
  if (hasUnknownPort(probe)) return null;
  switch (probe.kind) {
    case 'http': {
      const url = new URL(probe.url);
      const https = url.protocol === 'https:';
      if (probe.method !== 'GET') notes.process(process, key, `httpGet sends GET, not ${probe.method}`);
      if ((probe.status.min !== 200 || probe.status.max !== 399) && !https) {
        notes.process(
          process,
          key,
          `status ${probe.status.min}-${probe.status.max}: httpGet passes on 200-399`,
        );
      }
      const headers = Object.entries(probe.headers).map(([name, value]) => ({ name, value }));
      return {
        httpGet: {
          path: `${url.pathname}${url.search}`,
          port: Number(url.port || (https ? 443 : 80)),
          ...(LOCAL_HOSTS.has(url.hostname) ? {} : { host: url.hostname }),
          ...(https ? { scheme: 'HTTPS' } : {}),
          ...(headers.length > 0 ? { httpHeaders: headers } : {}),
        },
      };
    }
    case 'tcp':
      return {
        tcpSocket: { port: probe.port, ...(LOCAL_HOSTS.has(probe.host) ? {} : { host: probe.host }) },
      };
    case 'exec':
      return { exec: { command: commandArgv(probe.command) } };
    case 'log':
    case 'notify':
      return null;
  }
}

/** Kubernetes counts in whole seconds, at least 1. */
function period(ms: number): number {
  return Math.max(1, seconds(ms));
}

export interface ContainerProbes {
  startupProbe?: IProbe;
  readinessProbe?: IProbe;
  livenessProbe?: IProbe;
}

/** Each replica is a pod of its own, listening on PORT itself: `$PORT` in a probe is the process's port. */
function podProbes(process: ProcessSpec): ProcessSpec {
  return withInstanceProbes(wholeProcess(process), true);
}

/**
 * `ready` → `readinessProbe` (the pod gets Service traffic once it passes), and the same check as
 * `startupProbe` with the ready timeout as its limit: Kubernetes runs no other probe until it passes,
 * so the liveness probe starts after readiness, as ovrseer's health checks do. `health` → `livenessProbe`.
 */
export function probesOf(spec: ProcessSpec, notes: Notes): ContainerProbes {
  const process = podProbes(spec);
  const probes: ContainerProbes = {};
  for (const [i, ready] of process.ready.entries()) {
    const handler = handlerOf(ready.probe, notes, process.name, `ready[${i}]`);
    if (handler === null) continue;
    if (probes.readinessProbe !== undefined) {
      notes.process(
        process.name,
        `ready[${i}]`,
        'a container has one readiness probe; it is taken from an earlier one',
      );
      continue;
    }
    const every = period(ready.interval);
    const timing = {
      periodSeconds: every,
      ...(ready.initialDelay > 0 ? { initialDelaySeconds: seconds(ready.initialDelay) } : {}),
    };
    probes.readinessProbe = { ...handler, ...timing };
    probes.startupProbe = {
      ...handler,
      ...timing,
      failureThreshold: Math.max(1, Math.ceil(ready.timeout / (every * 1000))),
    };
  }
  const health = process.health;
  if (health !== null && health.onFailure === 'restart') {
    const handler = handlerOf(health.probe, notes, process.name, 'health');
    if (handler !== null) {
      probes.livenessProbe = {
        ...handler,
        periodSeconds: period(health.interval),
        timeoutSeconds: period(health.timeout),
        failureThreshold: health.retries,
        ...(health.initialDelay > 0 ? { initialDelaySeconds: seconds(health.initialDelay) } : {}),
      };
    }
  }
  return probes;
}

/** The port a process listens on: `port`, else the port its own checks of this machine use. */
export function listenPort(spec: ProcessSpec): number | null {
  if (spec.port !== null) return spec.port;
  const process = podProbes(spec);
  const probes = [
    ...process.ready.map((ready) => ready.probe),
    ...(process.health === null ? [] : [process.health.probe]),
  ];
  for (const probe of probes) {
    if (probe.kind === 'tcp' && LOCAL_HOSTS.has(probe.host) && typeof probe.port === 'number')
      return probe.port;
    if (probe.kind === 'http' && URL.canParse(probe.url)) {
      const url = new URL(probe.url);
      if (LOCAL_HOSTS.has(url.hostname)) return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    }
  }
  return null;
}
