// An HTTP server on $PORT, as a Procfile process gets it. It says which instance answered ($PS).
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const name = process.env.PS ?? 'server';
const server = createServer((_request, response) => {
  response.setHeader('content-type', 'text/plain');
  response.end(`${name} on port ${port}: ${process.env.GREETING ?? 'hello'}\n`);
});
server.on('error', (error) => {
  console.error(`${name}: cannot listen on port ${port}: ${error.message} (try ovrseer up -p 8000)`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => console.log(`${name}: listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  console.log(`${name}: closing`);
  server.close(() => process.exit(0));
});
