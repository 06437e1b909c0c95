import type { ProbeSpec } from '../../config/spec.js';
import { ExecProbe } from './exec-probe.js';
import { LogProbe } from './log-probe.js';
import { HttpProbe, TcpProbe } from './network-probes.js';
import { NotifyProbe } from './notify-probe.js';
import type { Probe, ProbeContext } from './probe.js';

export function createProbe(spec: ProbeSpec, context: ProbeContext): Probe {
  switch (spec.kind) {
    case 'log':
      return new LogProbe(spec, context);
    case 'http':
      return new HttpProbe(spec);
    case 'tcp':
      return new TcpProbe(spec);
    case 'exec':
      return new ExecProbe(spec, context);
    case 'notify':
      return new NotifyProbe(context.notify ?? null);
  }
}
