import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ProcessSpec, ProjectSpec } from '../config/spec.js';
import { OvrseerError } from '../errors.js';
import {
  appName,
  argvOf,
  byName,
  dependenciesOf,
  exportHeader,
  foremanVars,
  seconds,
  wholeProcess,
} from './common.js';
import { CONTAINER_ROOT, containerPath } from './compose.js';
import { type KubeEnv, kubeEnv, literal } from './kubernetes-env.js';
import {
  deployment,
  dnsName,
  job,
  type KubeObject,
  labelsOf,
  memoryQuantity,
  podTemplate,
  securityContextOf,
  service,
  validateObjects,
  waitFor,
} from './kubernetes-objects.js';
import { listenPort, probesOf } from './kubernetes-probes.js';
import { noteEngineOnly, noteProject, noteRestart } from './losses.js';
import { Notes } from './notes.js';
import type { ExportFile, ExportOptions, ExportResult } from './types.js';
import { yamlText } from './yaml-text.js';

const TARGET = 'Kubernetes';
const BACKOFF = 'Kubernetes restarts with its own back-off (10s, doubling up to 5m)';

interface Context {
  app: string;
  spec: ProjectSpec;
  options: ExportOptions;
  notes: Notes;
  env: KubeEnv;
}

function container(ctx: Context, process: ProcessSpec): IContainer {
  const { notes } = ctx;
  // Each replica is a pod of its own: each listens on PORT itself.
  const vars = foremanVars(wholeProcess(process), true);
  const workdir = containerPath(ctx.spec, process.cwd);
  if (workdir === null)
    notes.process(process.name, 'cwd', `outside the project, which the image holds at ${CONTAINER_ROOT}`);
  const port = listenPort(process);
  const limits = {
    ...(process.limits.memory === null ? {} : { memory: memoryQuantity(process.limits.memory) }),
    ...(process.limits.cpu === null ? {} : { cpu: `${Math.round(process.limits.cpu * 10)}m` }),
  };
  const { env, envFrom } = ctx.env.containerEnv(process.name, vars);
  return {
    name: dnsName(process.name),
    image: ctx.options.image ?? `${ctx.app}:latest`,
    command: argvOf(process.command, vars).map(literal),
    workingDir: workdir ?? CONTAINER_ROOT,
    ...(env.length > 0 ? { env } : {}),
    ...(envFrom.length > 0 ? { envFrom } : {}),
    ...(port === null ? {} : { ports: [{ name: 'main', containerPort: port }] }),
    ...probesOf(process, notes),
    ...(Object.keys(limits).length > 0 ? { resources: { limits } } : {}),
    ...(process.stop.command === null
      ? {}
      : { lifecycle: { preStop: { exec: { command: argvOf(process.stop.command, vars) } } } }),
    ...securityContextOf(process, ctx.options.user, notes),
  };
}

/** `depends_on` as init containers that wait for each dependency's Service. */
function initContainers(ctx: Context, process: ProcessSpec, deps: ProcessSpec['dependsOn']): IContainer[] {
  const processes = byName(ctx.spec);
  const result: IContainer[] = [];
  for (const dependency of deps) {
    const target = processes.get(dependency.name);
    const port = target === undefined ? null : listenPort(target);
    const key = `depends_on.${dependency.name}`;
    if (target?.type === 'task') {
      ctx.notes.process(
        process.name,
        key,
        `a pod cannot wait for a Job: run kubectl wait --for=condition=complete job/${dnsName(ctx.app, dependency.name)} first`,
      );
    } else if (port === null) {
      ctx.notes.process(process.name, key, `${dependency.name} has no port, so no Service to wait for`);
    } else result.push(waitFor(dnsName(ctx.app, dependency.name), port));
  }
  return result;
}

function objectsOf(ctx: Context, process: ProcessSpec, deps: ProcessSpec['dependsOn']): KubeObject[] {
  const name = dnsName(ctx.app, process.name);
  const { labels, selector } = labelsOf(ctx.app, process, ctx.notes);
  const inits = initContainers(ctx, process, deps);
  const spec = {
    ...(inits.length > 0 ? { initContainers: inits } : {}),
    containers: [container(ctx, process)],
    terminationGracePeriodSeconds: seconds(process.stop.timeout),
  };
  if (process.type === 'task') {
    const { policy, maxRetries } = process.restart;
    if (policy !== 'no' && maxRetries === null) {
      ctx.notes.process(
        process.name,
        'restart.max_retries',
        'a Job gives up after backoffLimit retries (default 6)',
      );
    }
    const backoffLimit = policy === 'no' ? 0 : maxRetries;
    const template = podTemplate(labels, { ...spec, restartPolicy: 'Never' });
    return [
      job(name, labels, { completions: process.replicas, backoffLimit, suspend: process.disabled }, template),
    ];
  }
  const objects: KubeObject[] = [
    deployment(name, labels, selector, process.disabled ? 0 : process.replicas, podTemplate(labels, spec)),
  ];
  const port = listenPort(process);
  if (port !== null) objects.push(service(name, labels, selector, port));
  return objects;
}

function noteLosses(process: ProcessSpec, notes: Notes): void {
  const { name } = process;
  if (
    process.type !== 'task' &&
    process.type !== 'cleanup' &&
    (process.restart.policy === 'no' || process.restart.policy === 'on-failure')
  ) {
    notes.process(name, 'restart.policy', 'a Deployment restarts its containers whenever they exit');
  }
  if (process.stop.signal !== 'SIGTERM')
    notes.process(name, 'stop.signal', "Kubernetes sends SIGTERM (or the image's STOPSIGNAL)");
  if (process.limits.cpu !== null)
    notes.process(name, 'limits.cpu_action', 'limits.cpu throttles the container instead');
  if (process.priority !== 0) notes.process(name, 'priority', 'pods stop independently');
  noteEngineOnly(notes, process, TARGET);
  if (process.type !== 'task' && process.restart.maxRetries !== null) {
    notes.process(name, 'restart.max_retries', 'a Deployment restarts its containers without limit');
  }
  noteRestart(notes, process, {
    delay: BACKOFF,
    backoff: BACKOFF,
    max_delay: BACKOFF,
    min_uptime: BACKOFF,
    reset_after: BACKOFF,
    crash_loop: BACKOFF,
  });
}

function yamlOf(objects: readonly KubeObject[], header: string): string {
  return objects.map((object, i) => yamlText(object, i === 0 ? ` ${header}` : null)).join('---\n');
}

/**
 * A Deployment per service (a Job per task) with a Service for its port, a ConfigMap for the plain
 * variables all share and a Secret for the secret-looking ones. Every object is validated first.
 */
export async function exportKubernetes(spec: ProjectSpec, options: ExportOptions): Promise<ExportResult> {
  const app = dnsName(appName(spec, options.app));
  const notes = new Notes();
  noteProject(notes, spec, TARGET);
  const ctx: Context = {
    app,
    spec,
    options,
    notes,
    env: kubeEnv(spec, dnsName(app, 'env'), dnsName(app, 'secrets')),
  };
  const header = exportHeader(spec);
  const files: ExportFile[] = [];
  const all: KubeObject[] = [];
  const add = (name: string, objects: KubeObject[], mode = 0o644): void => {
    all.push(...objects);
    files.push({ name, content: yamlOf(objects, header), mode });
  };
  if (Object.keys(ctx.env.config).length > 0) {
    add(`${app}.configmap.yaml`, [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: dnsName(app, 'env') }, data: ctx.env.config },
    ]);
  }
  if (Object.keys(ctx.env.secret).length > 0) {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: dnsName(app, 'secrets') },
      type: 'Opaque',
      stringData: ctx.env.secret,
    };
    add(`${app}.secret.yaml`, [secret], 0o600);
  }
  const deps = dependenciesOf(spec);
  for (const process of spec.processes) {
    if (process.type === 'cleanup') {
      notes.process(
        process.name,
        'type',
        'Kubernetes has no shutdown hook for an application: run it as a Job after kubectl delete',
      );
      continue;
    }
    noteLosses(process, notes);
    add(`${process.name}.yaml`, objectsOf(ctx, process, deps.get(process.name) ?? []));
  }
  const names = all.map((object) => `${object.kind}/${object.metadata?.name}`);
  const clash = names.find((name, i) => names.indexOf(name) !== i);
  if (clash !== undefined) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `two objects would be named ${clash}: Kubernetes names are lowercase, rename one process`,
    );
  }
  await validateObjects(all);
  return {
    format: 'kubernetes',
    files,
    notTranslated: notes.ordered(spec.processes),
    next: [
      `build an image holding the project at ${CONTAINER_ROOT} (--image, default ${app}:latest), then: kubectl apply -f ${options.outDir}`,
      `pods reach each other through the Services (${app}-<name>:<port>), not 127.0.0.1, and must listen on 0.0.0.0`,
    ],
  };
}
