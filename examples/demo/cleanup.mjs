// Runs on shutdown, after everything else has stopped — even when start-up failed half way.
import { rmSync } from 'node:fs';

rmSync('.demo-db.lock', { force: true });
console.log('cleanup: removed the database lock file');
