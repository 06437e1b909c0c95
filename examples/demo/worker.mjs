// Polls the API for work every second and logs what it gets.
const port = Number(process.env.DEMO_PORT ?? 4310);

async function tick() {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/job`);
    const job = await response.json();
    console.log(`worker: processed job ${job.job}`);
    if (job.job % 5 === 0) console.error(`WARN worker: job ${job.job} was slow`);
  } catch (error) {
    console.error(`ERROR worker: ${error.message}`);
  }
}
setInterval(tick, 1000);
process.on('SIGTERM', () => {
  console.log('worker: finishing the current job and exiting');
  process.exit(0);
});
