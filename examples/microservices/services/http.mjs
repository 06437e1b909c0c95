// A small HTTP service: `node http.mjs NAME PORT [upstream=PORT …]`. GET / answers with its name and
// what its upstreams answered; /health is for ovrseer's ready and health checks.
import { createServer } from 'node:http';

const [name = 'service', port = '0', ...links] = process.argv.slice(2);
const upstreams = links.map((link) => link.split('='));

async function ask([upstream, upstreamPort]) {
  const response = await fetch(`http://127.0.0.1:${upstreamPort}/`);
  return `${upstream}: ${(await response.text()).trim()}`;
}

const server = createServer(async (request, response) => {
  if (request.url === '/health') {
    response.end('ok');
    return;
  }
  try {
    const answers = await Promise.all(upstreams.map(ask));
    response.end(`${[`${name} ok`, ...answers].join(' | ')}\n`);
  } catch (error) {
    response.statusCode = 502;
    response.end(`${name}: upstream failed: ${error.message}\n`);
  }
});
server.listen(Number(port), '127.0.0.1', () => console.log(`${name}: listening on ${port}`));
process.on('SIGTERM', () => {
  console.log(`${name}: draining`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
