// A stand-in for a database server: takes a moment to "start", then says it is ready.
import { writeFileSync } from 'node:fs';

console.log('db: starting up, replaying the write-ahead log…');
setTimeout(() => {
  writeFileSync('.demo-db.lock', String(process.pid));
  console.log('db: ready to accept connections');
}, 800);
process.on('SIGTERM', () => {
  console.log('db: received SIGTERM, flushing and shutting down');
  setTimeout(() => process.exit(0), 200);
});
setInterval(() => undefined, 1 << 30);
