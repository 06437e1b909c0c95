// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${PORT} references

import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import type { ProjectSpec } from '../../../src/config/spec.js';
import { exportProject } from '../../../src/export/index.js';
import { fileOf, OPTIONS, specFrom } from './helpers.js';

function unitEntries(text: string, key: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

const REPLICATED = `
version: 1
name: p
processes:
  web:
    command: [./web, --port, "\${PORT:-80}"]
    port: 7000
    replicas: 3
    ready:
      - { http: "http://127.0.0.1:$PORT/ready", interval: 1s }
      - { tcp: "127.0.0.1:\${PORT:-6700}", interval: 1s }
    health: { tcp: "127.0.0.1:\${PORT:-6700}", on_failure: restart }
`;

describe('$PORT in probes, exported', () => {
  it('systemd: each replica unit waits for its own port, and runs its command with it', async () => {
    const result = await exportProject(specFrom(REPLICATED), 'systemd', OPTIONS);
    for (const [n, port] of [
      [1, 7000],
      [2, 7001],
      [3, 7002],
    ]) {
      const unit = fileOf(result, `p-web-${n}.service`);
      const [http, tcp] = unitEntries(unit, 'ExecStartPost');
      expect(http).toContain(`/dev/tcp/127.0.0.1/${port} `);
      expect(http).toContain(`Host: 127.0.0.1:${port}`);
      expect(tcp).toContain(`: </dev/tcp/127.0.0.1/${port}'`);
      expect(`${http} ${tcp}`).not.toContain('PORT');
      expect(unitEntries(unit, 'ExecStart')).toEqual([`./web --port ${port}`]);
      expect(unitEntries(unit, 'Environment')).toEqual([`"PS=web.${n}" "PORT=${port}"`]);
    }
  });

  it('compose: every replica is a container listening on the port itself', async () => {
    const result = await exportProject(specFrom(REPLICATED), 'compose', OPTIONS);
    const compose = parseYaml(fileOf(result, 'compose.yaml')) as {
      services: Record<string, { healthcheck: { test: string[] }; command: string[] }>;
    };
    const web = compose.services.web;
    expect(web?.healthcheck.test).toEqual([
      'CMD',
      'timeout',
      '5',
      'bash',
      '-c',
      ': </dev/tcp/127.0.0.1/7000',
    ]);
    expect(web?.command).toEqual(['./web', '--port', '7000']);
  });

  it('kubernetes: probes and the Service use the port; ${PORT:-…} gives one to a process without port', async () => {
    const spec = specFrom(`
version: 1
name: p
processes:
  web:
    command: ./web
    port: 6700
    replicas: 3
    ready: { http: "http://127.0.0.1:$PORT/ready" }
  db:
    command: ./db
    ready: { tcp: "\${PORT:-5432}" }
`);
    type Pod = { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    type Data = { kind: string; metadata?: { name?: string } } & Partial<Pod>;
    const objects = (await exportProject(spec, 'kubernetes', OPTIONS)).files.flatMap((file) =>
      parseAllDocuments(file.content).map((doc) => doc.toJS() as Data),
    );
    const container = (name: string) =>
      objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === name)?.spec?.template.spec
        .containers[0];
    expect(container('p-web')?.readinessProbe).toMatchObject({ httpGet: { path: '/ready', port: 6700 } });
    expect(container('p-db')?.readinessProbe).toMatchObject({ tcpSocket: { port: 5432 } });
    expect(container('p-db')?.ports).toEqual([{ name: 'main', containerPort: 5432 }]);
  });

  it('supervisord: replicas keep ${PORT:-…} for the shell that computes each PORT; probes are listed', async () => {
    const result = await exportProject(specFrom(REPLICATED), 'supervisord', OPTIONS);
    const command = fileOf(result, 'p.conf')
      .split('\n')
      .find((line) => line.startsWith('command='));
    expect(command).toBe(
      `command=/bin/sh -c 'PORT=$((7000 + %(process_num)d - 1)); export PORT; exec ./web --port "\${PORT:-80}"'`,
    );
    expect(result.notTranslated).toContainEqual({
      key: 'processes.web.ready[0]',
      reason: 'supervisord has no readiness checks',
    });
  });

  it('a probe whose $PORT no instance sets is listed as not translated, not written broken', async () => {
    const valid = specFrom(REPLICATED);
    const [web] = valid.processes;
    if (web === undefined) throw new Error('no web');
    // Only ovrseer's own environment had a PORT when the config was loaded.
    const spec: ProjectSpec = { ...valid, processes: [{ ...web, port: null, health: null }] };
    const reason = 'it uses $PORT, which this process does not set: give it a "port:"';
    const systemd = await exportProject(spec, 'systemd', OPTIONS);
    // The probe with a default still translates, with the default.
    expect(unitEntries(fileOf(systemd, 'p-web-1.service'), 'ExecStartPost')).toEqual([
      `/bin/sh -c "until timeout 1 bash -c ': </dev/tcp/127.0.0.1/6700' >/dev/null 2>&1; do sleep 1; done"`,
    ]);
    expect(systemd.notTranslated).toContainEqual({ key: 'processes.web.ready[0]', reason });
    const kubernetes = await exportProject(spec, 'kubernetes', OPTIONS);
    expect(kubernetes.notTranslated).toContainEqual({ key: 'processes.web.ready[0]', reason });
  });
});
