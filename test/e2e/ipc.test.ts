import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { EXAMPLES, NODE, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

const projects: TempProject[] = [];

function project(yaml: string, files: Record<string, string> = {}): TempProject {
  const created = tempProject(yaml, files);
  projects.push(created);
  return created;
}

afterEach(async () => {
  await endProjects(projects);
});

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    // Not on PATH: the test that needs it is skipped.
    return false;
  }
}

async function logs(p: TempProject, name: string): Promise<string> {
  return (await runCli(['logs', name, '-n', '200'], { cwd: p.dir })).stdout;
}

interface Row {
  name: string;
  status: string;
  status_text: string | null;
}

async function rows(p: TempProject): Promise<Row[]> {
  const ps = await runCli(['ps', '--json'], { cwd: p.dir });
  // Before the supervisor answers (while `up -d` starts it), there is nothing to list yet.
  return ps.code === 0 ? (JSON.parse(ps.stdout) as Row[]) : [];
}

/** Connects to $OVRSEER_IPC twice: once claiming another's name, once as itself, then sends 2 MiB. */
const SENDER = String.raw`
use strict; use IO::Socket::UNIX; $| = 1;
my $impostor = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $ENV{OVRSEER_IPC}) or die "connect: $!";
print $impostor qq({"hello":"python-peer","token":"$ENV{OVRSEER_IPC_TOKEN}"}\n);
my $refused = <$impostor>; print "impostor: $refused";
my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $ENV{OVRSEER_IPC}) or die "connect: $!";
print $s qq({"hello":"$ENV{OVRSEER_IPC_NAME}","token":"$ENV{OVRSEER_IPC_TOKEN}"}\n);
my $hello = <$s>; print "hello: $hello";
print $s '{"to":"python-peer","message":"' . ('x' x (2 * 1024 * 1024)) . qq("}\n);
my $big = <$s>; print "big: $big";
print $s qq({"to":"python-peer","message":{"after":"big"}}\n);
sleep 1000;
`;

describe('messages between processes', () => {
  it.skipIf(!has('python3') || !has('perl'))(
    'a Node process (IPC channel) and a Python one (socket) exchange messages; send delivers; 2 MiB is refused',
    async () => {
      const p = project(
        `
name: "{{name}}"
processes:
  node-peer:
    command: ${JSON.stringify([NODE, join(EXAMPLES, 'ipc', 'node-peer.mjs')])}
    ipc: node
    ready: { log: "node-peer listening" }
  python-peer:
    command: ${JSON.stringify(['python3', join(EXAMPLES, 'ipc', 'client.py')])}
    depends_on: { node-peer: { condition: ready } }
    ready: { log: "hello:" } # connected: messages to it are delivered from here on
  sender:
    command: [perl, sender.pl]
    depends_on: { python-peer: { condition: ready } }
`,
        { 'sender.pl': SENDER },
      );
      const up = await runCli(['up', '-d'], { cwd: p.dir });
      expect(up.code, up.stderr).toBe(0);
      const socket = join(p.dir, '.ovrseer', 'ipc.sock');
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      // Python greets node (socket → channel), node pings back (channel → socket), python pongs.
      await waitFor(
        async () =>
          (await logs(p, 'node-peer')).includes('received: {"from":"python-peer","message":{"pong":1}}'),
        'the pong from python in node-peer',
      );
      expect(await logs(p, 'python-peer')).toContain(
        'received: {"from": "node-peer", "message": {"ping": 1}}',
      );

      const sent = await runCli(['send', 'python-peer', '{"ping": 42}'], { cwd: p.dir });
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stdout).toContain('delivered to python-peer');
      await waitFor(
        async () =>
          (await logs(p, 'python-peer')).includes('received: {"from": "@ovrseer", "message": {"ping": 42}}'),
        'the message of ovrseer send in python-peer',
      );

      const bad = await runCli(['send', 'python-peer', '{ping: 1}'], { cwd: p.dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('the message must be JSON');
      const unknown = await runCli(['send', 'nope', '1'], { cwd: p.dir });
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('nope');

      // The impostor is refused; the oversized line gets an error, and the connection goes on.
      await waitFor(async () => (await logs(p, 'sender')).includes('big: '), 'the answer to 2 MiB');
      const sender = await logs(p, 'sender');
      expect(sender).toContain(
        'impostor: {"error":{"code":"unauthorized","message":"wrong token for python-peer"}}',
      );
      expect(sender).toContain('hello: {"ok":true,"name":"sender"}');
      expect(sender).toMatch(
        /big: \{"error":\{"code":"too_large","message":"line of \d+ bytes exceeds the maximum of 1048576 bytes/,
      );
      await waitFor(
        async () =>
          (await logs(p, 'python-peer')).includes(
            'received: {"from": "sender", "message": {"after": "big"}}',
          ),
        'the message after the oversized one',
      );
      expect(await logs(p, 'python-peer')).not.toContain('xxxxxxxx');
    },
  );
});

/** Says it warms up, waits for a file, then READY=1 — as sd_notify(3) programs do. */
const NOTIFIER = String.raw`
use strict; use IO::Socket::UNIX;
sub notify { my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Peer => $ENV{NOTIFY_SOCKET}) or die "NOTIFY_SOCKET: $!"; $s->send($_[0]); }
notify("STATUS=warming up\n");
sleep 0.05 until -e 'go';
notify("READY=1\nSTATUS=serving\n");
sleep 1000;
`;

describe('ready: {notify: true}', () => {
  it.skipIf(!has('perl'))('READY=1 on NOTIFY_SOCKET gates the dependent; STATUS= shows in ps', async () => {
    const p = project(
      `
name: "{{name}}"
processes:
  db:
    command: [perl, -MTime::HiRes=sleep, notifier.pl]
    ready: { notify: true, timeout: 30s }
  api:
    command: [perl, -e, "sleep 1000"]
    depends_on: { db: { condition: ready } }
`,
      { 'notifier.pl': NOTIFIER },
    );
    // `up -d` returns once everything is ready: it runs while the test holds db back.
    const up = startCli(['up', '-d'], { cwd: p.dir });
    await waitFor(
      async () => (await rows(p)).some((row) => row.name === 'db' && row.status_text === 'warming up'),
      'STATUS=warming up in ps --json',
    );
    const before = await rows(p);
    expect(before.find((row) => row.name === 'db')?.status).toBe('running');
    expect(before.find((row) => row.name === 'api')?.status).toBe('pending');
    expect(existsSync(join(p.dir, '.ovrseer', 'notify', 'db.sock'))).toBe(true);

    p.write('go', '');
    expect(await up.exited, up.stderr()).toBe(0);
    await waitFor(
      async () => (await rows(p)).find((row) => row.name === 'api')?.status === 'running',
      'api started once db sent READY=1',
    );
    const after = await rows(p);
    expect(after.find((row) => row.name === 'db')).toMatchObject({ status: 'ready', status_text: 'serving' });
    expect((await runCli(['ps'], { cwd: p.dir })).stdout).toContain('db: status: serving');
  });
});
