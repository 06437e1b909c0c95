// Starts a grandchild in a session of its own (setsid): it has left this process group, and it ignores
// SIGTERM. ovrseer still finds it (by the OVRSEER_PROCESS marker it inherited) and ends it.
import { spawn } from 'node:child_process';

const escapee = spawn(
  'setsid',
  [process.execPath, '-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);"],
  { stdio: 'ignore', detached: false },
);
escapee.unref();
console.log(`forker: pid ${process.pid}; escaped grandchild via setsid (pid ${escapee.pid})`);
setInterval(() => undefined, 1000);
