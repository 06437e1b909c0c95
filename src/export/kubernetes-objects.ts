import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { ProcessSpec } from '../config/spec.js';
import { OvrseerError } from '../errors.js';
import type { Notes } from './notes.js';

export type KubeObject = IDeployment | IJob | IService | IConfigMap | ISecret;

/** DNS-1123 labels: what Kubernetes accepts as object and container names. */
export function dnsName(...parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (name.length > 63) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `the Kubernetes name ${name} is longer than 63 characters: choose a shorter --app`,
    );
  }
  return name;
}

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;

function isLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** The selector names the app and the process; group and tags become labels, to select by as ovrseer does. */
export function labelsOf(
  app: string,
  process: ProcessSpec,
  notes: Notes,
): { selector: Record<string, string>; labels: Record<string, string> } {
  const selector = { 'app.kubernetes.io/part-of': app, 'app.kubernetes.io/name': dnsName(process.name) };
  const labels: Record<string, string> = { ...selector };
  if (process.group !== null) {
    if (isLabelValue(process.group)) labels['ovrseer.dev/group'] = process.group;
    else notes.process(process.name, 'group', 'not a valid label value');
  }
  for (const tag of process.tags) {
    if (isLabelValue(tag) && tag !== '') labels[`tag.ovrseer.dev/${tag}`] = 'true';
    else notes.process(process.name, 'tags', `${tag} is not a valid label name`);
  }
  return { selector, labels };
}

/** The process's own user, else `--user` when it is a uid: Kubernetes takes numbers only. */
export function securityContextOf(
  process: ProcessSpec,
  option: string | undefined,
  notes: Notes,
): Pick<IContainer, 'securityContext'> {
  if (process.user !== null) {
    return { securityContext: { runAsUser: process.user.uid, runAsGroup: process.user.gid } };
  }
  const user = option;
  if (user === undefined) return {};
  if (/^\d+$/.test(user)) return { securityContext: { runAsUser: Number(user) } };
  notes.add('--user', 'Kubernetes runs as a numeric uid (securityContext.runAsUser)');
  return {};
}

export function podTemplate(
  labels: Record<string, string>,
  spec: IPodTemplateSpec['spec'],
): IPodTemplateSpec {
  return { metadata: { labels }, ...(spec === undefined ? {} : { spec }) };
}

export function deployment(
  name: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
  replicas: number,
  template: IPodTemplateSpec,
): IDeployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: { replicas, selector: { matchLabels: selector }, template },
  };
}

export function job(
  name: string,
  labels: Record<string, string>,
  options: { completions: number; backoffLimit: number | null; suspend: boolean },
  template: IPodTemplateSpec,
): IJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels },
    spec: {
      completions: options.completions,
      parallelism: options.completions,
      ...(options.backoffLimit === null ? {} : { backoffLimit: options.backoffLimit }),
      ...(options.suspend ? { suspend: true } : {}),
      template,
    },
  };
}

export function service(
  name: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
  port: number,
): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels },
    spec: { selector, ports: [{ name: 'main', port, targetPort: port }] },
  };
}

/** An init container that holds the pod until the dependency's Service answers (only ready pods do). */
export function waitFor(serviceName: string, port: number): IContainer {
  return {
    name: dnsName('wait-for', serviceName),
    image: 'busybox:1.36',
    command: [
      'sh',
      '-c',
      `until nc -z ${serviceName} ${port}; do echo waiting for ${serviceName}; sleep 1; done`,
    ],
  };
}

/** Kubernetes quantities: `512Mi`, or bytes. */
export function memoryQuantity(bytes: number): string {
  for (const [unit, factor] of [
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

/**
 * Checks every object against the Kubernetes OpenAPI schema (`kubernetes-models`) before anything is
 * written: an invalid manifest is ovrseer's bug, and must not reach a cluster. Loaded only here, as it
 * is large.
 */
export async function validateObjects(objects: readonly KubeObject[]): Promise<void> {
  const [{ Deployment }, { Job }, { Service }, { ConfigMap }, { Secret }] = await Promise.all([
    import('kubernetes-models/apps/v1/Deployment'),
    import('kubernetes-models/batch/v1/Job'),
    import('kubernetes-models/v1/Service'),
    import('kubernetes-models/v1/ConfigMap'),
    import('kubernetes-models/v1/Secret'),
  ]);
  const modelOf = (object: KubeObject) => {
    switch (object.kind) {
      case 'Deployment':
        return new Deployment(object);
      case 'Job':
        return new Job(object);
      case 'Service':
        return new Service(object);
      case 'ConfigMap':
        return new ConfigMap(object);
      case 'Secret':
        return new Secret(object);
    }
  };
  for (const object of objects) {
    const model = modelOf(object);
    try {
      model.validate();
    } catch (error) {
      const name = object.metadata?.name ?? '?';
      throw new OvrseerError(
        'OVRSEER_INTERNAL',
        `generated ${object.kind} ${name} is not valid: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}
