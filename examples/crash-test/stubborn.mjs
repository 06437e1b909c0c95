// Refuses to stop: SIGTERM and SIGINT are ignored, so only SIGKILL ends it.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => console.log(`stubborn: got ${signal}, ignoring it`));
}
console.log(`stubborn: pid ${process.pid}, try and stop me`);
setInterval(() => undefined, 1000);
