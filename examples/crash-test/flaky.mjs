// Works for a moment, then exits 0 (done) or 1 (failed) at random.
const ms = 500 + Math.floor(Math.random() * 1000);
setTimeout(() => {
  const failed = Math.random() < 0.5;
  console.log(`flaky: ${failed ? 'failing' : 'finished'} after ${ms} ms`);
  process.exit(failed ? 1 : 0);
}, ms);
