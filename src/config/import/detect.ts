import { parse as parseYaml } from 'yaml';
import { OvrseerError } from '../../errors.js';
import { type ConfigKind, FORMATS, kindOfName } from './formats.js';

/*
 * Which format a config file is, from its name and its content together (docs/decisions.md, "Which
 * format a file is"). A name that says a format is believed unless the content carries another
 * format's signature; a neutral name (`dev.yml`, `apps.json`) is decided by the content alone, and
 * content that fits nothing is an error naming each format and why it was ruled out: a foreign file
 * is never read as an ovrseer.yml by default.
 */

/** A positive sign of a format in the content, with the key that shows it. */
export interface Signature {
  kind: ConfigKind;
  why: string;
}

export interface Classified {
  /** The format the content is written in, when it shows one. */
  found: Signature | null;
  /** Per format ruled out, why (for the error of content that fits nothing). */
  ruledOut: string[];
}

const PROCFILE_LINE = /^[A-Za-z0-9_-]+:\s*\S/;
const COMPOSE_TOP = new Set(['networks', 'volumes', 'configs', 'secrets', 'include', 'services']);
/** The keys of ovrseer's `services:` form (src/config/schema-prox.ts). */
const PROX_SERVICE_KEYS = new Set(['command', 'depends_on', 'healthcheck', 'cwd', 'env', 'restart']);
/** Top-level keys of a process-compose file that ovrseer's forms do not have. */
const PC_TOP = [
  'log_location',
  'log_level',
  'log_configuration',
  'log_length',
  'shell',
  'environment',
  'env_cmds',
  'vars',
  'is_strict',
  'ordered_shutdown',
  'disable_env_expansion',
  'is_tui_disabled',
  'extends',
];
/** Process keys of process-compose that ovrseer's canonical form does not have. */
const PC_PROCESS = [
  'availability',
  'readiness_probe',
  'liveness_probe',
  'ready_log_line',
  'shutdown',
  'namespace',
  'working_dir',
  'environment',
  'is_daemon',
  'is_foreground',
  'is_tty',
  'is_elevated',
  'log_location',
  'log_configuration',
  'entrypoint',
  'extends',
  'vars',
  'launch_timeout_seconds',
  'description',
  'disable_ansi_colors',
  'is_dotenv_disabled',
];

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isOvrseerVersion = (value: unknown) => value === undefined || value === 1 || value === '1';

function composeSignature(data: Record<string, unknown>): string | null {
  for (const key of Object.keys(data)) {
    if (key.startsWith('x-')) return `the top-level key ${key} (a compose extension)`;
    if (COMPOSE_TOP.has(key) && key !== 'services') return `the top-level key ${key}`;
  }
  if (!isOvrseerVersion(data.version)) return `version: ${JSON.stringify(data.version)}`;
  for (const [name, service] of Object.entries(isMap(data.services) ? data.services : {})) {
    if (!isMap(service)) continue;
    const foreign = Object.keys(service).find((key) => !PROX_SERVICE_KEYS.has(key));
    if (foreign !== undefined) return `services.${name}.${foreign}`;
    if (isMap(service.healthcheck) && 'test' in service.healthcheck)
      return `services.${name}.healthcheck.test`;
    if (isMap(service.depends_on)) return `services.${name}.depends_on as a map`;
  }
  return null;
}

function processComposeSignature(data: Record<string, unknown>): string | null {
  const top = PC_TOP.find((key) => key in data);
  if (top !== undefined) return `the top-level key ${top}`;
  if (!isOvrseerVersion(data.version)) return `version: ${JSON.stringify(data.version)}`;
  for (const [name, process] of Object.entries(isMap(data.processes) ? data.processes : {})) {
    if (!isMap(process)) continue;
    const key = PC_PROCESS.find((k) => k in process);
    if (key !== undefined) return `processes.${name}.${key}`;
    for (const [dep, rule] of Object.entries(isMap(process.depends_on) ? process.depends_on : {})) {
      const condition = isMap(rule) ? rule.condition : undefined;
      if (typeof condition === 'string' && condition.startsWith('process_'))
        return `processes.${name}.depends_on.${dep}.condition: ${condition}`;
    }
  }
  return null;
}

function isProcfileText(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return lines.length > 0 && lines.every((line) => PROCFILE_LINE.test(line));
}

/**
 * The format the content of a YAML/JSON/Procfile text is written in. `parsed`: the text as
 * `yaml.parse` reads it, when the caller has it already (see `parsedAlike` in load.ts).
 */
export function classifyContent(text: string, file = '', parsed?: { data: unknown }): Classified {
  if (parsed !== undefined) return classifyData(parsed.data, text);
  const ruledOut: string[] = [];
  let data: unknown;
  try {
    // A .json is JSON: YAML would take `// a comment` into a key and misread the rest.
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    if (isProcfileText(text)) return { found: { kind: 'procfile', why: 'name: command lines' }, ruledOut };
    // pm2 evaluates a .json process file as JavaScript (comments, expressions): not JSON, still pm2's.
    if (file.endsWith('.json') && /\b(apps|pm2)\s*["']?\s*:/.test(text))
      return { found: { kind: 'pm2', why: 'apps: in a .json that pm2 reads as JavaScript' }, ruledOut };
    const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    ruledOut.push(`not YAML or JSON (${first}), and not Procfile lines (name: command)`);
    return { found: null, ruledOut };
  }
  return classifyData(data, text);
}

function classifyData(data: unknown, text: string): Classified {
  const ruledOut: string[] = [];
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every((app) => isMap(app) && 'script' in app))
      return { found: { kind: 'pm2', why: 'a list of apps with script:' }, ruledOut };
    ruledOut.push('a list, but not of pm2 apps ({script: …})');
    return { found: null, ruledOut };
  }
  if (!isMap(data)) {
    ruledOut.push('not a map of keys (YAML or JSON object)');
    return { found: null, ruledOut };
  }
  if ('apps' in data) return { found: { kind: 'pm2', why: 'the top-level key apps' }, ruledOut };
  // pm2 also takes its apps under `pm2`, and one app alone (lib/Common.js resolveApps).
  if (Array.isArray(data.pm2)) return { found: { kind: 'pm2', why: 'the top-level key pm2' }, ruledOut };
  if (typeof data.script === 'string' && !('processes' in data) && !('services' in data))
    return { found: { kind: 'pm2', why: 'a single pm2 app (script:)' }, ruledOut };
  ruledOut.push(`${FORMATS.pm2.label}: no top-level apps, pm2 or script`);
  if ('services' in data) {
    const sign = composeSignature(data);
    if (sign !== null) return { found: { kind: 'compose', why: sign }, ruledOut };
    // docker compose refuses a service with neither image nor build, so services of commands only are
    // ovrseer's own services: form.
    return { found: { kind: 'yaml', why: 'services: with only ovrseer keys (no image/build)' }, ruledOut };
  }
  ruledOut.push(`${FORMATS.compose.label}: no top-level services`);
  if ('processes' in data) {
    const sign = Array.isArray(data.processes) ? null : processComposeSignature(data);
    if (sign !== null) return { found: { kind: 'process-compose', why: sign }, ruledOut };
    return { found: { kind: 'yaml', why: 'processes: with only ovrseer keys' }, ruledOut };
  }
  ruledOut.push(`${FORMATS['process-compose'].label} and ovrseer.yml: no top-level processes`);
  if (isMap(data.scripts))
    return { found: { kind: 'package-json', why: 'the top-level key scripts' }, ruledOut };
  ruledOut.push(`${FORMATS['package-json'].label}: no scripts`);
  if (isProcfileText(text)) return { found: { kind: 'procfile', why: 'name: command lines' }, ruledOut };
  ruledOut.push(`${FORMATS.procfile.label}: not only name: command lines`);
  return { found: null, ruledOut };
}

const label = (kind: ConfigKind) => (kind === 'yaml' ? 'ovrseer.yml' : FORMATS[kind].label);

/** The name a file of this format is recognized by, for the error's advice. */
const TYPICAL: Readonly<Record<ConfigKind, string>> = {
  yaml: 'ovrseer.yml',
  procfile: 'Procfile or Procfile.<name>',
  'package-json': 'package.json',
  compose: 'compose.yaml or compose.<name>.yaml',
  pm2: 'ecosystem.config.js, ecosystem.json or ecosystem.yml',
  'process-compose': 'process-compose.yaml or process-compose.<name>.yaml',
};

/**
 * The format of `file` (shown as `display`) with `text`. Throws when its name and content disagree,
 * or when a neutral name holds content of no known format.
 */
export function detectKind(
  file: string,
  text: string,
  display = file,
  parsed?: { data: unknown },
): ConfigKind {
  const named = kindOfName(file);
  // A JavaScript ecosystem file is code: what it exports is known only once it runs (pm2-load.ts).
  if (named === 'pm2' && /\.(c|m)?js$/.test(file)) return 'pm2';
  if (/\.(c|m)?js$/.test(file))
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `${display}: a JavaScript file is read only as a pm2 ecosystem file named *.config.js (or .cjs/.mjs), as pm2 itself does; rename it, e.g. ecosystem.config.js`,
    );
  const { found, ruledOut } = classifyContent(text, file, parsed);
  if (named !== null) {
    // Weak fits do not contradict a name: compose and process-compose accept services/processes of
    // commands only, and a Procfile's lines are also YAML.
    const contradicts =
      found !== null &&
      found.kind !== named &&
      found.kind !== 'yaml' &&
      !(found.kind === 'procfile' || found.kind === 'package-json');
    if (contradicts)
      throw new OvrseerError(
        'OVRSEER_CONFIG_INVALID',
        `${display}: its name says ${label(named)}, but its content is a ${label(found.kind)} (${found.why}); rename it to ${TYPICAL[found.kind]}, or fix the content`,
      );
    return named;
  }
  if (found !== null) return found.kind;
  throw new OvrseerError(
    'OVRSEER_CONFIG_INVALID',
    `${display}: not a format ovrseer reads, by its name or its content. Considered: ${ruledOut.join('; ')}. Name it after its format (${Object.values(TYPICAL).join(', ')})`,
  );
}
