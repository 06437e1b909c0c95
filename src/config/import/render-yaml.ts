import { Document, isMap, isPair, isScalar, isSeq, type Node, visit } from 'yaml';
import type { EnvDialect } from '../env.js';
import type { ProcessInput } from '../input.js';
import { isCommandPath } from '../interpolate.js';
import type { ExitRuleSpec } from '../spec.js';
import { formatPath, type Path } from '../yaml-source.js';
import { envFileData, processData } from './to-canonical.js';
import type { Imported, NotTranslated } from './types.js';

export interface RenderOptions {
  /** The source, as shown to the user (`Procfile`, `docker-compose.yml`). */
  source: string;
  /** Project-level env files to write as `env_file:`. */
  envFiles: readonly string[];
  /** The rules the original tool reads them by (foreman's for a Procfile's `.env`). @default 'ovrseer' */
  envDialect?: EnvDialect;
  /** They feed `${VAR}` only, not the processes (compose's project `.env`). @default false */
  envInterpolationOnly?: boolean;
  /** A `$schema` for editors, written as the `yaml-language-server` modeline; `null` for none. */
  schema: string | null;
}

type Data = Record<string, unknown>;

/**
 * Values read from a format without `${VAR}` (a Procfile, package.json, pm2) are literal: written into
 * ovrseer.yml, which interpolates, their `$$` and `${` are escaped. Commands are left alone: the shell
 * reads them, not ovrseer.
 */
function escapeLiterals(value: unknown, path: Path): unknown {
  if (typeof value === 'string') {
    if (isCommandPath(path) || !/\$[${]/.test(value)) return value;
    // A function replacement: in a replacement string `$$` itself means `$`.
    return value.replace(/\$/g, () => '$$');
  }
  if (Array.isArray(value)) return value.map((item, i) => escapeLiterals(item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeLiterals(v, [...path, k])]));
  }
  return value;
}

function projectData(imported: Imported, options: RenderOptions): Data {
  const environments = Object.fromEntries(
    Object.entries(imported.environments).map(([name, overlay]) => [name, overlay]),
  );
  const data: Data = { version: 1 };
  if (imported.name !== undefined) data.name = imported.name;
  if (options.envFiles.length > 0)
    data.env_file = options.envFiles.map((name) =>
      envFileData({
        name,
        ...(options.envDialect === undefined ? {} : { dialect: options.envDialect }),
        ...(options.envInterpolationOnly ? { interpolationOnly: true } : {}),
      }),
    );
  if (imported.env !== undefined && Object.keys(imported.env).length > 0) data.env = imported.env;
  if (Object.keys(environments).length > 0) data.environments = environments;
  const exit = imported.exit === undefined ? {} : exitData(imported.exit);
  if (Object.keys(exit).length > 0) data.exit = exit;
  data.processes = Object.fromEntries(imported.processes.map((p) => [p.name, processData(p)]));
  const interpolates = imported.format === 'compose' || imported.format === 'process-compose';
  return interpolates ? data : (escapeLiterals(data, []) as Data);
}

/** The original tool's rule for ending `up` (foreman: any process that ends), as `exit:` writes it. */
function exitData(rule: ExitRuleSpec): Data {
  const stopOn = Object.fromEntries(
    Object.entries(rule.stopOn).map(([name, triggers]) => [
      name,
      triggers.length === 1 ? triggers[0] : [...triggers],
    ]),
  );
  return {
    ...(Object.keys(stopOn).length === 0 ? {} : { stop_on: stopOn }),
    ...(rule.codeFrom === null ? {} : { code_from: rule.codeFrom }),
    ...(rule.idleCode === undefined ? {} : { idle_code: rule.idleCode }),
  };
}

/** Where in the source a process was written, so its notes can go above it. */
function sourcePrefix(p: ProcessInput): string {
  return formatPath(p.nameIsKey ? p.namePath : p.namePath.slice(0, -1));
}

function belongsTo(note: NotTranslated, prefix: string): boolean {
  return (
    prefix !== '' &&
    (note.key === prefix || note.key.startsWith(`${prefix}.`) || note.key.startsWith(`${prefix}[`))
  );
}

/** Short lists and maps of plain values read best on one line (`command: [node, server.js]`). */
function flowSmallCollections(doc: Document): void {
  visit(doc, {
    Collection(_, node, path) {
      const keys = path.flatMap((step) =>
        isPair(step) && isScalar(step.key) ? [String(step.key.value)] : [],
      );
      // A process (processes.NAME, environments.E.processes.NAME) and env maps stay one entry a line.
      const processDepth = keys[0] === 'environments' ? 4 : 2;
      if (keys.length <= processDepth && keys[0] !== 'env_file') return;
      if (keys[keys.length - 1] === 'env') return;
      const items: unknown[] = isMap(node)
        ? node.items.map((pair) => pair.value)
        : isSeq(node)
          ? node.items
          : [];
      const plain = items.every((item) => isScalar(item));
      if (plain && items.length > 0 && String(node).length <= 70) node.flow = true;
    },
  });
}

function comment(lines: readonly string[]): string {
  return lines.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
}

/** A commented ovrseer.yml from an importer's result. */
export function renderOvrseerYaml(imported: Imported, options: RenderOptions): string {
  const doc = new Document(projectData(imported, options));
  const placed = new Set<NotTranslated>();
  const processes = doc.get('processes', true);
  if (isMap(processes)) {
    for (const pair of processes.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const p = imported.processes.find((candidate) => candidate.name === name);
      if (p === undefined || !isScalar(pair.key)) continue;
      const notes = imported.notTranslated.filter((note) => belongsTo(note, sourcePrefix(p)));
      for (const note of notes) placed.add(note);
      const lines = [
        `from ${imported.origins[name] ?? options.source}`,
        ...notes.map((n) => `not translated: ${n.key}: ${n.reason}`),
      ];
      (pair.key as Node).commentBefore = comment(lines);
      if (pair !== processes.items[0]) (pair.key as Node).spaceBefore = true;
    }
  }
  const rest = imported.notTranslated.filter((note) => !placed.has(note));
  const header = [
    ...(options.schema === null ? [] : [`yaml-language-server: $schema=${options.schema}`]),
    `ovrseer.yml, written by \`ovrseer init\` from ${options.source}.`,
    'Check it with `ovrseer validate`, run it with `ovrseer up`; `ovrseer schema` lists every key.',
    ...(rest.length === 0 ? [] : ['', 'Not translated:', ...rest.map((n) => `  ${n.key}: ${n.reason}`)]),
  ];
  doc.commentBefore = comment(header);
  flowSmallCollections(doc);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
