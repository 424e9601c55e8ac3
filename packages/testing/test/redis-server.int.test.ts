/**
 * The Redis process kit: private servers that tests kill, pause and restart, clusters, sentinels, and no
 * process left behind. Reaper tests run the BUILT package in a child (`npm test` builds it first).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeRedisServer, isRedisClusterReachableSync, respCommand, startRedisCluster, startRedisSentinel, startRedisServer } from '@wxopen/testing';
import type { RedisServer } from '@wxopen/testing';

jest.setTimeout(60_000);

const BUILT = path.resolve(__dirname, '../dist/index.js');

/** Whether `pid` runs (a zombie waiting for its reaper counts as gone: it holds no port and runs nothing). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; the command name before it is in parentheses.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return true;
  }
}

async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} is still alive after ${timeoutMs} ms`);
    await sleep(20);
  }
}

interface Started {
  readonly pid: number;
  readonly dir: string;
}

/** Runs `body` in a child node process that loaded the built kit; resolves with the pid and directory of its server. */
function childStartingAServer(body: string): { started: Promise<Started>; child: ReturnType<typeof spawn> } {
  const script = `
    const { startRedisServer } = require(${JSON.stringify(BUILT)});
    startRedisServer().then((server) => {
      process.stdout.write(JSON.stringify({ pid: server.pid, dir: server.dir }) + '\\n');
      ${body}
    });
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const started = new Promise<Started>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as Started);
    });
    child.once('exit', () => reject(new Error(`the child exited before starting a server: ${out}`)));
  });
  return { started, child };
}

async function waitUntilRemoved(dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(dir)) {
    if (Date.now() > deadline) throw new Error(`${dir} still exists after ${timeoutMs} ms`);
    await sleep(20);
  }
}

describeRedisServer('a private redis-server', () => {
  let server: RedisServer;
  beforeEach(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('listens on a loopback port of its own, without persistence, in a directory of its own', async () => {
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.state).toBe('running');
    expect(existsSync(server.dir)).toBe(true);
    expect(await server.command('CONFIG', 'GET', 'save')).toEqual(['save', '']);
    expect(await server.command('CONFIG', 'GET', 'appendonly')).toEqual(['appendonly', 'no']);
    expect(await server.command('CONFIG', 'GET', 'dir')).toEqual(['dir', server.dir]);
  });

  it('refuses connections once stopped with SIGKILL, and answers on the same port after restart, empty', async () => {
    await server.command('SET', 'k', 'v');
    const firstPid = server.pid;
    await server.stop();
    expect(server.state).toBe('stopped');
    expect(server.pid).toBeUndefined();
    await expect(respCommand(server.port, ['PING'])).rejects.toThrow(/ECONNREFUSED/);
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(await server.command('PING')).toBe('PONG');
    expect(await server.command('GET', 'k')).toBeNull();
  });

  it('shuts down on SIGTERM, even while paused', async () => {
    const pid = server.pid ?? -1;
    server.pause();
    await server.stop('SIGTERM');
    expect(alive(pid)).toBe(false);
    expect(server.state).toBe('stopped');
  });

  it('accepts connections but answers nothing while paused, and answers again once resumed', async () => {
    server.pause();
    expect(server.state).toBe('paused');
    await expect(respCommand(server.port, ['PING'], { timeoutMs: 300 })).rejects.toThrow(/no reply/);
    server.resume();
    expect(await server.command('PING')).toBe('PONG');
  });

  it('restarts a paused server', async () => {
    server.pause();
    await server.restart();
    expect(await server.command('PING')).toBe('PONG');
  });

  it('requires AUTH when started with a password, and sends it with its own commands', async () => {
    const guarded = await startRedisServer({ password: 'kit-password' });
    try {
      await expect(respCommand(guarded.port, ['PING'])).rejects.toThrow(/NOAUTH/);
      expect(await guarded.command('PING')).toBe('PONG');
      await guarded.restart();
      expect(await guarded.command('PING')).toBe('PONG');
    } finally {
      await guarded.dispose();
    }
  });

  it('removes its directory on dispose', async () => {
    await server.dispose();
    expect(existsSync(server.dir)).toBe(false);
  });
});

describeRedisServer('no redis-server outlives the test process', () => {
  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error(`build @wxopen/testing first (npx tsc -b): ${BUILT} is missing`);
  });

  it('kills the server and removes its directory when the process that started it exits normally', async () => {
    const { started } = childStartingAServer('process.exit(0);');
    const { pid, dir } = await started;
    await waitUntilGone(pid);
    await waitUntilRemoved(dir);
  });

  it('kills the server and removes its directory when the process that started it is SIGKILLed', async () => {
    const { started, child } = childStartingAServer('setInterval(() => {}, 1000);');
    const { pid, dir } = await started;
    expect(alive(pid)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    child.kill('SIGKILL');
    await waitUntilGone(pid);
    await waitUntilRemoved(dir);
  });

  it('kills a paused server when the process that started it is SIGKILLed', async () => {
    const { started, child } = childStartingAServer('process.kill(server.pid, "SIGSTOP"); setInterval(() => {}, 1000);');
    const { pid } = await started;
    child.kill('SIGKILL');
    await waitUntilGone(pid);
  });
});

describeRedisServer('a private Redis Cluster', () => {
  it('creates a 3-master cluster whose nodes all report cluster_state:ok and cover every slot, and stops it', async () => {
    const cluster = await startRedisCluster({ masters: 3 });
    try {
      expect(cluster.nodes).toHaveLength(3);
      expect(cluster.nodeList).toBe(cluster.nodes.map((node) => `127.0.0.1:${node.port}`).join(','));
      for (const node of cluster.nodes) {
        const info = String(await node.command('CLUSTER', 'INFO'));
        expect(info).toMatch(/cluster_state:ok/);
        expect(info).toMatch(/cluster_slots_assigned:16384/);
        expect(info).toMatch(/cluster_known_nodes:3/);
      }
      expect(isRedisClusterReachableSync(cluster.nodeList.split(','))).toBe(true);
    } finally {
      await cluster.dispose();
    }
    expect(cluster.nodes.map((node) => node.state)).toEqual(['stopped', 'stopped', 'stopped']);
  });
});

describeRedisServer('a private Sentinel', () => {
  it('watches its master and names it by address', async () => {
    const master = await startRedisServer();
    try {
      const sentinel = await startRedisSentinel({ master, name: 'wxmaster' });
      try {
        expect(sentinel.name).toBe('wxmaster');
        expect(await sentinel.command('SENTINEL', 'get-master-addr-by-name', 'wxmaster')).toEqual(['127.0.0.1', String(master.port)]);
      } finally {
        await sentinel.dispose();
      }
    } finally {
      await master.dispose();
    }
  });
});
