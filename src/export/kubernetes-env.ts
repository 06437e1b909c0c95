import type { IEnvFromSource } from 'kubernetes-models/v1/EnvFromSource';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { ProjectSpec } from '../config/spec.js';
import { isSecretKey } from '../reports/redact.js';
import { envLayout, type Vars } from './env.js';

/** Kubernetes expands `$(VAR)` in a container's command and env values, and `$$` is a literal `$`. */
export function literal(text: string): string {
  return text.replaceAll('$', '$$$$');
}

export interface KubeEnv {
  /** The ConfigMap's data: plain variables every process shares. */
  config: Vars;
  /** The Secret's data: shared secrets under their own name, a process's own as `<name>.<KEY>`. */
  secret: Vars;
  containerEnv(process: string, extra: Readonly<Vars>): { env: IEnvVar[]; envFrom: IEnvFromSource[] };
}

/**
 * Plain variables every process shares go to one ConfigMap (`envFrom`), the rest inline; every
 * secret-looking variable (the crash reports' rule) goes to one Secret, read by `secretKeyRef`.
 */
export function kubeEnv(spec: ProjectSpec, configMap: string, secretName: string): KubeEnv {
  const layout = envLayout(spec.processes);
  const config: Vars = {};
  const secret: Vars = {};
  const sharedSecrets: string[] = [];
  for (const [key, value] of Object.entries(layout.shared)) {
    if (isSecretKey(key)) {
      secret[key] = value;
      sharedSecrets.push(key);
    } else config[key] = value;
  }
  for (const [name, own] of layout.own) {
    for (const [key, value] of Object.entries(own.secret)) secret[`${name}.${key}`] = value;
  }
  const fromSecret = (name: string, key: string): IEnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: secretName, key } },
  });
  return {
    config,
    secret,
    containerEnv(process, extra) {
      const own = layout.own.get(process) ?? { plain: {}, secret: {} };
      const env: IEnvVar[] = [
        ...sharedSecrets.map((key) => fromSecret(key, key)),
        ...Object.keys(own.secret).map((key) => fromSecret(key, `${process}.${key}`)),
        ...Object.entries({ ...own.plain, ...extra }).map(([name, value]) => ({
          name,
          value: literal(value),
        })),
      ];
      const envFrom: IEnvFromSource[] =
        Object.keys(config).length > 0 ? [{ configMapRef: { name: configMap } }] : [];
      return { env, envFrom };
    },
  };
}
