// A Node process with `ipc: node`: messages arrive on process.on('message') as {from, message},
// and process.send({to, message}) sends one. Without ipc: node, connect to $OVRSEER_IPC instead.
let pings = 0;
process.on('message', (data) => {
  console.log(`received: ${JSON.stringify(data)}`);
  if (data.error) return;
  if (data.message && data.message.greeting) {
    pings += 1;
    process.send({ to: data.from, message: { ping: pings } });
  }
});
console.log(`node-peer listening (channel: ${typeof process.send === 'function'})`);
