// Starts, says so, and crashes 300 ms later with exit code 1.
console.log(`crasher: up (pid ${process.pid}), crashing in 300 ms`);
setTimeout(() => {
  console.error('crasher: Error: something went terribly wrong');
  process.exit(1);
}, 300);
