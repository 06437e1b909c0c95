// A small HTTP API. Its readiness is checked over HTTP on /health.
import { createServer } from 'node:http';

const port = Number(process.env.DEMO_PORT ?? 4310);
let served = 0;
const server = createServer((request, response) => {
  if (request.url === '/health') {
    response.end('ok');
    return;
  }
  served += 1;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ job: served, greeting: 'hello from the api' }));
});
server.on('error', (error) => {
  console.error(`api: cannot listen on port ${port}: ${error.message} (set DEMO_PORT to another port)`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => console.log(`api: listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  console.log(`api: served ${served} requests, closing`);
  server.close(() => process.exit(0));
});
