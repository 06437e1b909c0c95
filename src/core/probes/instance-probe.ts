import { expandInstanceVariables, type Variables } from '../../config/interpolate-string.js';
import type { ProbeSpec } from '../../config/spec.js';
import { withInstanceVariables } from '../command.js';

/**
 * A probe as one instance runs it: `$PORT` and `$PS` in its URL, tcp address or argv expanded with
 * that instance's environment (as its argv command is), so each replica checks its own port. A tcp
 * port that expands to a number becomes one; one that does not stays text, and the probe says why.
 */
export function probeForInstance(probe: ProbeSpec, env: Variables): ProbeSpec {
  switch (probe.kind) {
    case 'http':
      return { ...probe, url: expandInstanceVariables(probe.url, env) };
    case 'tcp': {
      const host = expandInstanceVariables(probe.host, env);
      if (typeof probe.port === 'number') return { ...probe, host };
      const port = expandInstanceVariables(probe.port, env);
      return { ...probe, host, port: /^\d{1,5}$/.test(port) ? Number(port) : port };
    }
    case 'exec':
      return { ...probe, command: withInstanceVariables(probe.command, env) };
    case 'log':
    case 'notify':
      return probe;
  }
}
