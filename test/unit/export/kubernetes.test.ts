import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { type IJob, Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { type ISecret, Secret } from 'kubernetes-models/v1/Secret';
import { type IService, Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type ExportResult, exportProject } from '../../../src/export/index.js';
import { validateObjects } from '../../../src/export/kubernetes-objects.js';
import { OPTIONS, shopSpec, specFrom } from './helpers.js';

type Data = { kind: string; metadata?: { name?: string } } & Record<string, unknown>;

/** Every object of every file, as kubectl would read it. */
function objectsOf(result: ExportResult): Data[] {
  return result.files.flatMap((file) => parseAllDocuments(file.content).map((doc) => doc.toJS() as Data));
}

/** Validates with the kubernetes-models schemas, independently of the exporter's own check. */
function validate(object: Data): void {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    Deployment,
    Job,
    Service,
    ConfigMap,
    Secret,
  };
  const Model = models[object.kind];
  expect(Model, `a model for ${object.kind}`).toBeDefined();
  if (Model !== undefined) new Model(object as never).validate();
}

function find<T>(objects: Data[], kind: string, name: string): T {
  const object = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (object === undefined) throw new Error(`no ${kind} ${name}`);
  return object as T;
}

function podOf(objects: Data[], kind: 'Deployment' | 'Job', name: string): IPodSpec {
  const object = find<IDeployment | IJob>(objects, kind, name);
  const spec = object.spec?.template.spec;
  if (spec === undefined) throw new Error(`${kind} ${name} has no pod spec`);
  return spec;
}

function containerOf(objects: Data[], name: string): IContainer {
  const [container] = podOf(objects, 'Deployment', name).containers;
  if (container === undefined) throw new Error(`${name} has no container`);
  return container;
}

describe('kubernetes export', () => {
  it('writes objects that all pass the Kubernetes schema', async () => {
    const objects = objectsOf(await exportProject(shopSpec(), 'kubernetes', OPTIONS));
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'ConfigMap/shop-env',
      'Deployment/shop-api',
      'Deployment/shop-cache',
      'Deployment/shop-db',
      'Deployment/shop-worker',
      'Job/shop-migrate',
      'Secret/shop-secrets',
      'Service/shop-api',
      'Service/shop-cache',
    ]);
    for (const object of objects) validate(object);
  });

  it('maps ready to readiness and startup probes, health to the liveness probe, field by field', async () => {
    const objects = objectsOf(await exportProject(shopSpec(), 'kubernetes', OPTIONS));
    const api = find<IDeployment>(objects, 'Deployment', 'shop-api');
    expect(api.spec?.replicas).toBe(2);
    const selector = { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/name': 'api' };
    expect(api.spec?.selector.matchLabels).toEqual(selector);
    const container = containerOf(objects, 'shop-api');
    const httpGet = { path: '/health', port: 3000 };
    expect(container.readinessProbe).toEqual({ httpGet, periodSeconds: 1 });
    // 20 s of ready timeout, polled every second.
    expect(container.startupProbe).toEqual({ httpGet, periodSeconds: 1, failureThreshold: 20 });
    expect(container.livenessProbe).toEqual({
      httpGet,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    expect(container.resources).toEqual({ limits: { memory: '512Mi' } });
    expect(container.ports).toEqual([{ name: 'main', containerPort: 3000 }]);
    expect(container.workingDir).toBe('/app/api');
    expect(podOf(objects, 'Deployment', 'shop-api').terminationGracePeriodSeconds).toBe(10);
    expect(containerOf(objects, 'shop-cache').readinessProbe).toEqual({
      tcpSocket: { port: 6379 },
      periodSeconds: 1,
    });
    expect(containerOf(objects, 'shop-worker').livenessProbe).toEqual({
      exec: { command: ['/bin/sh', '-c', 'test -f /tmp/worker.ok'] },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(find<IService>(objects, 'Service', 'shop-api').spec).toEqual({
      selector,
      ports: [{ name: 'main', port: 3000, targetPort: 3000 }],
    });
  });

  it('puts shared plain variables in a ConfigMap and secret-looking ones in a Secret', async () => {
    const objects = objectsOf(await exportProject(shopSpec(), 'kubernetes', OPTIONS));
    expect(find<IConfigMap>(objects, 'ConfigMap', 'shop-env').data).toEqual({ LOG_LEVEL: 'info' });
    expect(find<ISecret>(objects, 'Secret', 'shop-secrets').stringData).toEqual({
      SESSION_SECRET: 'correct-horse',
      'api.DATABASE_PASSWORD': 'hunter2',
    });
    const api = containerOf(objects, 'shop-api');
    expect(api.envFrom).toEqual([{ configMapRef: { name: 'shop-env' } }]);
    expect(api.env).toEqual([
      {
        name: 'SESSION_SECRET',
        valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'SESSION_SECRET' } },
      },
      {
        name: 'DATABASE_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'api.DATABASE_PASSWORD' } },
      },
      { name: 'API_MODE', value: 'full 100%' },
      { name: 'PS', value: 'api' },
      { name: 'PORT', value: '3000' },
    ]);
  });

  it('runs tasks as Jobs and waits for dependencies with init containers', async () => {
    const result = await exportProject(shopSpec(), 'kubernetes', OPTIONS);
    const objects = objectsOf(result);
    const migrate = find<IJob>(objects, 'Job', 'shop-migrate');
    expect(migrate.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 0 });
    expect(podOf(objects, 'Job', 'shop-migrate').restartPolicy).toBe('Never');
    expect(podOf(objects, 'Deployment', 'shop-api').initContainers).toEqual([
      {
        name: 'wait-for-shop-cache',
        image: 'busybox:1.36',
        command: ['sh', '-c', 'until nc -z shop-cache 6379; do echo waiting for shop-cache; sleep 1; done'],
      },
    ]);
    const notes = result.notTranslated.map((note) => note.key);
    expect(notes).toContain('processes.api.depends_on.migrate');
    expect(notes).toContain('processes.api.depends_on.db');
    expect(notes).toContain('processes.migrate-cleanup.type');
  });

  it('escapes $ in commands and env values, which Kubernetes would expand', async () => {
    const objects = objectsOf(
      await exportProject(
        specFrom(`
version: 1
name: p
processes:
  a: { command: echo "$(date) $HOME", env: { PRICE: "$$(5)" }, stop: { command: ./drain }, user: "1000:1000" }
`),
        'kubernetes',
        { ...OPTIONS, image: 'registry.example/p:1' },
      ),
    );
    const a = containerOf(objects, 'p-a');
    expect(a.image).toBe('registry.example/p:1');
    expect(a.command).toEqual(['/bin/sh', '-c', 'echo "$$(date) $$HOME"']);
    expect(a.env).toContainEqual({ name: 'PRICE', value: '$$(5)' });
    expect(a.lifecycle).toEqual({ preStop: { exec: { command: ['/bin/sh', '-c', './drain'] } } });
    expect(a.securityContext).toEqual({ runAsUser: 1000, runAsGroup: 1000 });
  });

  it('refuses to write an object the schema rejects', async () => {
    await expect(
      validateObjects([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'x' },
          spec: { replicas: 'two' as never } as never,
        },
      ]),
    ).rejects.toThrow(/generated Deployment x is not valid/);
  });
});
