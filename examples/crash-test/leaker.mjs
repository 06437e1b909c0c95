// Keeps 8 MB more every 250 ms and never lets go of it.
const kept = [];
setInterval(() => {
  kept.push(Buffer.alloc(8 * 1024 * 1024, 1));
  console.log(`leaker: holding ${kept.length * 8} MB`);
}, 250);
process.on('SIGTERM', () => process.exit(0));
