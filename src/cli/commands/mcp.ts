import { readFileSync } from 'node:fs';
import { locateProject, locateSupervisor } from '../locate.js';

export interface McpOptions {
  file?: string;
  cwd?: string;
}

/**
 * `ovrseer mcp`: a Model Context Protocol server over stdio for the project here (README, "AI coding
 * agents"). Stdout is the protocol's: nothing else may be written there.
 */
export async function runMcp(options: McpOptions): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  const located = { cwd, ...(options.file === undefined ? {} : { file: options.file }) };
  // Loaded once for its file and name; a config broken later still lets the tools talk to the supervisor.
  const { spec } = await locateProject(located);
  const { createOvrseerMcpServer } = await import('../../mcp/server.js');
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const server = createOvrseerMcpServer({
    projectName: spec.name,
    get: async (path) => (await locateSupervisor(located)).get(path),
    post: async (path, body) => (await locateSupervisor(located)).post(path, body),
    readConfig: () => (spec.file === null ? '' : readFileSync(spec.file, 'utf8')),
  });
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  // The agent ends the session by closing our stdin.
  process.stdin.once('end', () => void server.close());
  await closed;
  return 0;
}
