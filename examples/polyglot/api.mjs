// Node.js: a tiny job queue over HTTP. POST /jobs adds one, GET /jobs/next takes one.
import { createServer } from 'node:http';

const port = Number(process.env.API_PORT);
const jobs = [];
let done = 0;
const server = createServer((request, response) => {
  if (request.url === '/health') return response.end('ok');
  if (request.method === 'POST' && request.url === '/jobs') {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      jobs.push(body.trim());
      response.end(`queued ${jobs.length}\n`);
    });
    return;
  }
  if (request.url === '/jobs/next') {
    const job = jobs.shift();
    if (job === undefined) {
      response.statusCode = 204;
      return response.end();
    }
    done += 1;
    return response.end(job);
  }
  response.statusCode = 404;
  response.end('not found\n');
});
server.listen(port, '127.0.0.1', () => console.log(`api (node ${process.version}): listening on ${port}`));
process.on('SIGTERM', () => {
  console.log(`api: ${done} jobs handed out, ${jobs.length} left`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
