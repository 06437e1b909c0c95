// A stand-in for a database or a cache: a TCP server that answers every line with "ok <line>".
import { createServer } from 'node:net';

const [role = 'store', port = '0'] = process.argv.slice(2);
const server = createServer((socket) => {
  socket.setEncoding('utf8');
  socket.on('data', (data) => socket.write(`ok ${data}`));
  socket.on('error', () => socket.destroy());
});
server.listen(Number(port), '127.0.0.1', () =>
  console.log(`${role}: ready to accept connections on ${port}`),
);
process.on('SIGTERM', () => {
  console.log(`${role}: shutting down`);
  server.close(() => process.exit(0));
  // Open client connections would keep close() waiting.
  setTimeout(() => process.exit(0), 200).unref();
});
