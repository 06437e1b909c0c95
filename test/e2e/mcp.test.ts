import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, killStrayClis, runCli } from '../helpers/cli.js';
import { killMarked } from '../helpers/processes.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * `ovrseer mcp` driven by the MCP SDK's own client over stdio, against a real supervisor: what an
 * AI coding agent's host does.
 */

const projects: TempProject[] = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const project of projects.splice(0)) {
    await runCli(['down'], { cwd: project.dir });
    killMarked(project.name);
    project.remove();
  }
  killStrayClis();
});

const YAML = `name: {{name}}
processes:
  talker:
    command: ["sh", "-c", "i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo \\"line $i\\"; done; echo 'ERROR boom' >&2; exec sleep 300"]
  crasher:
    command: ["sh", "-c", "echo going down; exit 3"]
    restart: { policy: "no" }
  api:
    command: ["sleep", "300"]
    depends_on: [talker]
`;

async function connect(dir: string): Promise<Client> {
  const client = new Client({ name: 'ovrseer-test', version: '0.0.0' });
  clients.push(client);
  const env = Object.fromEntries(
    Object.entries({ ...process.env, NO_COLOR: '1' }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: dir,
      env,
      stderr: 'pipe',
    }),
  );
  return client;
}

function text(result: Awaited<ReturnType<Client['callTool']>>): string {
  const content = result.content as { type: string; text?: string }[];
  return content.map((part) => part.text ?? '').join('');
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name}: ${text(result)}`);
  return JSON.parse(text(result));
}

describe('ovrseer mcp', () => {
  it('lists its tools with read-only and destructive marks, and the config and graph as resources', async () => {
    const project = tempProject(YAML);
    projects.push(project);
    const client = await connect(project.dir);
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect([...byName.keys()].sort()).toEqual(
      [
        'list_crash_reports',
        'list_processes',
        'read_crash_report',
        'read_logs',
        'restart_processes',
        'search_logs',
        'start_processes',
        'stop_processes',
        'why_waiting',
      ].sort(),
    );
    expect(byName.get('read_logs')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('stop_processes')?.annotations?.destructiveHint).toBe(true);
    expect(byName.get('restart_processes')?.annotations?.destructiveHint).toBe(true);
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri).sort()).toEqual(['ovrseer://config', 'ovrseer://graph']);
    const config = await client.readResource({ uri: 'ovrseer://config' });
    expect((config.contents[0] as { text: string }).text).toContain('talker:');
    // No supervisor yet: the tool says so, and how to start one.
    const down = await client.callTool({ name: 'list_processes', arguments: {} });
    expect(down.isError).toBe(true);
    expect(text(down)).toMatch(/no ovrseer running.*ovrseer up/);
  });

  it('reads the running project: processes, paged logs, search, actions, crash reports, graph', async () => {
    const project = tempProject(YAML);
    projects.push(project);
    // 1: crasher fails at start, as it is meant to.
    expect((await runCli(['up', '-d'], { cwd: project.dir })).code).toBe(1);
    const client = await connect(project.dir);

    const rows = (await call(client, 'list_processes')) as {
      name: string;
      status: string;
      restarts: number;
    }[];
    expect(rows.map((row) => row.name).sort()).toEqual(['api', 'crasher', 'talker']);

    // The process's lines and its state lines (stream "system"), 300 + 1 of its own.
    let all: { text: string; stream: string }[] = [];
    await waitFor(
      async () => {
        const page = (await call(client, 'read_logs', { names: ['talker'], lines: 1000 })) as {
          lines: { text: string; stream: string }[];
        };
        all = page.lines;
        return all.some((line) => line.text === 'ERROR boom');
      },
      'all lines of talker',
      { timeout: 20_000, interval: 200 },
    );
    // Paged back 120 at a time: every line once, in order.
    const seen: { text: string; stream: string }[] = [];
    let before: string | null | undefined;
    do {
      const page = (await call(client, 'read_logs', {
        names: ['talker'],
        lines: 120,
        ...(before ? { before } : {}),
      })) as { lines: { text: string; stream: string }[]; next_before: string | null };
      seen.unshift(...page.lines);
      before = page.next_before;
    } while (before);
    expect(seen.map((line) => line.text)).toEqual(all.map((line) => line.text));
    const own = seen.filter((line) => line.stream !== 'system').map((line) => line.text);
    expect(own).toEqual([...Array.from({ length: 300 }, (_, i) => `line ${i + 1}`), 'ERROR boom']);
    const found = (await call(client, 'search_logs', { pattern: 'line 29\\d' })) as {
      lines: { text: string }[];
    };
    expect(found.lines.map((line) => line.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `line ${290 + i}`),
    );
    const tooMany = await client.callTool({ name: 'read_logs', arguments: { lines: 100_000 } });
    expect(tooMany.isError).toBe(true);

    await call(client, 'restart_processes', { targets: ['api'] });
    await waitFor(
      async () => {
        const now = (await call(client, 'list_processes')) as {
          name: string;
          restarts: number;
          status: string;
        }[];
        return now.some((row) => row.name === 'api' && row.status === 'running' && row.restarts >= 0);
      },
      'api running again',
      { timeout: 20_000, interval: 200 },
    );
    const unknown = await client.callTool({ name: 'stop_processes', arguments: { targets: ['nope'] } });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toContain('nope');

    let id = '';
    await waitFor(
      async () => {
        const list = (await call(client, 'list_crash_reports')) as { id: string; process: string }[];
        id = list.find((report) => report.process === 'crasher')?.id ?? '';
        return id !== '';
      },
      'a crash report of crasher',
      { timeout: 20_000, interval: 200 },
    );
    const report = await call(client, 'read_crash_report', { id });
    expect(JSON.stringify(report)).toContain('going down');

    const graph = await client.readResource({ uri: 'ovrseer://graph' });
    expect(JSON.parse((graph.contents[0] as { text: string }).text).edges).toContainEqual(['api', 'talker']);
  });
});
