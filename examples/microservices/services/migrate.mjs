// A one-shot task: talks to the database once, then exits 0 so that `users` may start.
import { connect } from 'node:net';

const socket = connect(Number(process.env.DB_PORT), '127.0.0.1', () => socket.write('migrate\n'));
socket.setEncoding('utf8');
socket.on('data', (answer) => {
  console.log(`migrate: database said "${answer.trim()}"; schema is up to date`);
  socket.end();
  process.exit(0);
});
socket.on('error', (error) => {
  console.error(`migrate: ${error.message}`);
  process.exit(1);
});
