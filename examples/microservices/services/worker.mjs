// Calls the gateway every 500 ms and prints what the whole chain answered.
const url = `http://127.0.0.1:${process.env.GATEWAY_PORT}/`;
let jobs = 0;
const timer = setInterval(async () => {
  try {
    const answer = await (await fetch(url)).text();
    jobs += 1;
    console.log(`worker: job ${jobs}: ${answer.trim()}`);
  } catch (error) {
    console.error(`worker: gateway unreachable: ${error.message}`);
  }
}, 500);
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`worker: stopped after ${jobs} jobs`);
  process.exit(0);
});
