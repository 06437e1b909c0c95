import { parseProjectText } from './src/config/index.js';
import { ConfigError } from './src/errors.js';
const cases: Record<string,string> = {
syntax: `processes:\n  api:\n    command: [a, b\n  x: 1\n`,
dur: `processes:\n  api:\n    command: x\n    restart:\n      delay: fast\n`,
unknown: `processes:\n  api:\n    comand: x\n`,
unknownTop: `proceses:\n  api:\n    command: x\n`,
missingDep: `processes:\n  api:\n    command: x\n    depends_on: [dbb]\n  db:\n    command: y\n`,
cycle: `processes:\n  a:\n    command: x\n    depends_on: [b]\n  b:\n    command: y\n    depends_on: { a: { condition: started } }\n`,
max: `settings:\n  limits: { max_processes: 2 }\nprocesses:\n  a: { command: x, replicas: 2 }\n  b: { command: y }\n`,
signal: `processes:\n  a:\n    command: x\n    stop: { signal: SIGFOO }\n`,
cron: `processes:\n  a:\n    command: x\n    cron_restart: "61 * * * *"\n`,
interp: `processes:\n  a:\n    command: x\n    cwd: "\${FOO"\n`,
interpReq: `processes:\n  a:\n    command: x\n    cwd: \${FOO:?set FOO to the app dir}\n`,
restartBad: `processes:\n  a:\n    command: x\n    restart: sometimes\n`,
restartNum: `processes:\n  a:\n    command: x\n    restart: 5\n`,
probeNone: `processes:\n  a:\n    command: x\n    ready: { timeout: 5s }\n`,
probeTypo: `processes:\n  a:\n    command: x\n    ready: { log: x, tiemout: 5s }\n`,
probeList: `processes:\n  a:\n    command: x\n    ready: [{ log: x }, { htp: "http://x" }]\n`,
missingCmd: `processes:\n  a:\n    type: service\n`,
badName: `processes:\n  a.b:\n    command: x\n`,
user: `processes:\n  a:\n    command: x\n    user: nosuchuser\n`,
empty: ``,
type: `processes:\n  a:\n    command: x\n    type: daemon\n`,
listDup: `processes:\n  - id: a\n    command: x\n  - id: a\n    command: y\n    readyChecks: [{ logPatern: x }]\n`,
cleanupDep: `processes:\n  a:\n    command: x\n    depends_on: [c]\n  c:\n    command: y\n    type: cleanup\n`,
self: `processes:\n  a:\n    command: x\n    depends_on: [a]\n`,
nullProc: `processes:\n  a:\n`,
dependsOnCamel: `processes:\n  a:\n    command: x\n    dependsOn: [b]\n`,
envBad: `env: { A: [1] }\nprocesses:\n  a:\n    command: x\n`,
portBad: `processes:\n  a:\n    command: x\n    port: 70000\n`,
replicas: `processes:\n  a:\n    command: x\n    replicas: 0\n`,
both: `services: {}\nprocesses: {}\n`,
};
for (const [name, text] of Object.entries(cases)) {
  try { parseProjectText(text, { file: 'ovrseer.yml', dir: '/tmp', env: {} }); console.log(name, 'OK?!'); }
  catch (e) { console.log(`--- ${name}\n${e instanceof ConfigError ? e.message : e}`); }
}
