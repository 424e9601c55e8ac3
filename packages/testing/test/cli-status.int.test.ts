import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';
import type { Store } from '@wxopen/core';
import { FileStore, credentialKeys } from '@wxopen/core';
import { RedisStore } from '@wxopen/redis';
import { describeRedis, redisUrl, startFakeWechat, startRedisCluster, startRedisSentinel, startRedisServer } from '@wxopen/testing';
import type { FakeWechat, RedisCluster, RedisSentinel, RedisServer } from '@wxopen/testing';
import type { ComponentStatus } from '../src/cli/status/collect';
import {
  cleanEnv,
  describeWithRedisServer,
  eventually,
  removeTemp,
  startExample,
  tempStateFile,
  wxopen,
} from './cli-support';
import type { RunningExample } from './cli-support';

const MINUTE = 60_000;

/** What `plant` writes that must never be printed. */
const PLANTED_SECRETS = [
  'ticket@@@planted-latest-ticket',
  'ticket@@@planted-previous-ticket',
  'planted-component-access-token',
  'refreshtoken@@@planted-refresh-a',
  'refreshtoken@@@planted-refresh-c',
  'planted-access-token-a',
  'planted-access-token-b',
  'queryauthcode@@@planted-code-d',
];

/** The key of the ticket's arrival time, when this core records it. */
const receivedAtKey = (appId: string) => (credentialKeys(appId) as ReturnType<typeof credentialKeys> & { ticketReceivedAt?: string }).ticketReceivedAt;
const coreRecordsTicketArrival = receivedAtKey('wx0000000000000000') !== undefined;

/** A component with a ticket, a component token, an outbox entry and three authorizers in various states. */
async function plant(store: Store, appId: string): Promise<void> {
  const keys = credentialKeys(appId);
  const now = Date.now();
  const receivedKey = receivedAtKey(appId);
  if (receivedKey !== undefined) await store.set(receivedKey, String(now - 25 * MINUTE));
  const token = (value: string, validMs: number, lifetimeMs: number) => JSON.stringify({ token: value, expiresAt: now + validMs, lifetimeMs });
  await store.set(keys.previousTicket, 'ticket@@@planted-previous-ticket');
  await store.set(keys.ticket, 'ticket@@@planted-latest-ticket');
  await store.set(keys.componentToken, token('planted-component-access-token', 90 * MINUTE, 110 * MINUTE), 90 * MINUTE);
  await store.set(keys.outbox, JSON.stringify([{ a: 'wx00000000000d0000', c: 'queryauthcode@@@planted-code-d', e: now + 50 * MINUTE, s: 'authorized', q: now - 10 * MINUTE, n: 2 }]));
  await store.set(keys.authorizerRefreshToken('wx00000000000a0000'), 'refreshtoken@@@planted-refresh-a');
  await store.set(keys.authorizerAccessToken('wx00000000000a0000'), token('planted-access-token-a', 30 * MINUTE, 110 * MINUTE), 30 * MINUTE);
  await store.set(keys.authorizerUserName('wx00000000000a0000'), 'gh_planted_a');
  await store.set(keys.authorizerAccessToken('wx00000000000b0000'), token('planted-access-token-b', 20 * MINUTE, 110 * MINUTE), 20 * MINUTE);
  await store.set(keys.authorizerRefreshToken('wx00000000000c0000'), 'refreshtoken@@@planted-refresh-c');
  // Another component in the same store: not part of this one's report.
  await store.set(credentialKeys('wx00000000000e0000').authorizerRefreshToken('wx0000000000000e01'), 'refreshtoken@@@other');
}

/** Checks the report of a planted component, as text and as JSON. */
async function expectPlantedReport(args: string[], env: NodeJS.ProcessEnv, appId: string, idleKnown: boolean): Promise<void> {
  const text = await wxopen(['status', ...args], env);
  expect(text.stderr).toBe('');
  expect(text.code).toBe(0);
  const out = text.stdout;
  expect(out).toMatch(new RegExp(`^component ${appId} in .+ at \\d{4}-\\d\\d-\\d\\dT`));
  if (coreRecordsTicketArrival) {
    expect(out).toMatch(/verify ticket +present, received 25m( \d+s)? ago, previous ticket kept\n/);
    expect(out).toMatch(/! no new verify ticket for 25m( \d+s)?: the push may have stopped/);
  } else {
    expect(out).toMatch(idleKnown ? /verify ticket +present, previous ticket kept, last read or written \d+s ago/ : /verify ticket +present, previous ticket kept, age unknown/);
  }
  expect(out).toMatch(/component token +valid for 1h 29m \(until \S+Z\), fetched 20m( \d+s)? ago/);
  expect(out).toMatch(/outbox +1 authorization code\(s\) waiting for their exchange\n +wx00000000000d0000 +from authorized, queued 10m( \d+s)? ago, expires in 49m \d+s, 2 attempt\(s\)/);
  expect(out).toMatch(/authorizers +3\n/);
  expect(out).toMatch(/wx00000000000a0000 +gh_planted_a +refresh token kept +access token valid for 29m \d+s/);
  expect(out).toMatch(/wx00000000000b0000 +- +NO REFRESH TOKEN +access token valid for 19m \d+s/);
  expect(out).toMatch(/wx00000000000c0000 +- +refresh token kept +access token absent/);
  expect(out).toContain('! wx00000000000b0000 has no refresh token');
  expect(out).not.toContain('wx00000000000e0000');

  const json = await wxopen(['status', ...args, '--json'], env);
  expect(json.code).toBe(0);
  const report = JSON.parse(json.stdout) as ComponentStatus & { checkedAt: string };
  expect(report).toMatchObject({
    componentAppId: appId,
    ticket: { present: true, previousKept: true },
    componentToken: { state: 'valid', expiresAt: expect.stringMatching(/Z$/), fetchedAt: expect.stringMatching(/Z$/) },
    outbox: [{ authorizerAppId: 'wx00000000000d0000', source: 'authorized', attempts: 2 }],
    authorizers: [
      { appId: 'wx00000000000a0000', originalId: 'gh_planted_a', refreshToken: true, accessToken: { state: 'valid' } },
      { appId: 'wx00000000000b0000', refreshToken: false, accessToken: { state: 'valid' } },
      { appId: 'wx00000000000c0000', refreshToken: true, accessToken: { state: 'absent' } },
    ],
  });
  for (const secret of PLANTED_SECRETS) {
    expect(text.stdout + text.stderr).not.toContain(secret);
    expect(json.stdout + json.stderr).not.toContain(secret);
  }
  // Not even a piece of one: every planted secret has the word "planted" in it.
  expect(text.stdout + json.stdout).not.toMatch(/planted-|@@@/);
}

const randomAppId = () => `wx${randomUUID().replace(/-/g, '').slice(0, 16)}`;

describe('wxopen status of a FileStore state file', () => {
  const file = tempStateFile('status');
  const appId = randomAppId();

  beforeAll(async () => {
    const store = new FileStore({ path: file });
    await plant(store, appId);
    await store.close();
  });
  afterAll(() => removeTemp(file));

  test('shows presence and times and no secret', async () => {
    await expectPlantedReport(['--file', file, '--appid', appId], cleanEnv(), appId, false);
  });

  test('takes the component from WECHAT_COMPONENT_APPID and the file from WXOPEN_STATE_FILE', async () => {
    await expectPlantedReport([], cleanEnv({ WECHAT_COMPONENT_APPID: appId, WXOPEN_STATE_FILE: file }), appId, false);
  });

  test('a component the file does not know shows as empty', async () => {
    const ran = await wxopen(['status', '--file', file, '--appid', 'wx00000000000f0000']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/verify ticket +absent/);
    expect(ran.stdout).toMatch(/authorizers +0/);
    expect(ran.stdout).toContain('! no verify ticket');
  });

  test('a missing file or one that is not a state file exits 1, without quoting it', async () => {
    const missing = await wxopen(['status', '--file', `${file}.missing`, '--appid', appId]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('wxopen status: no state file at') });
    const other = `${file}.other`;
    writeFileSync(other, '{"access_token":"leaked-if-quoted"}');
    try {
      const ran = await wxopen(['status', '--file', other, '--appid', appId]);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain('is not a wxopen state file');
      expect(ran.stderr).not.toContain('leaked-if-quoted');
    } finally {
      rmSync(other, { force: true });
    }
  });

  test('without a component, or with two stores, it is a usage error', async () => {
    expect(await wxopen(['status', '--file', file])).toMatchObject({ code: 2, stderr: expect.stringContaining('say which component with --appid') });
    expect(await wxopen(['status', '--file', file, '--redis', 'redis://127.0.0.1', '--appid', appId])).toMatchObject({
      code: 2,
      stderr: 'wxopen status: give one store, not --file and --redis\n',
    });
    expect(await wxopen(['status', '--redis', 'localhost:6379', '--appid', appId])).toMatchObject({
      code: 2,
      stderr: 'wxopen status: --redis must be a redis:// or rediss:// URL\n',
    });
  });
});

describe('wxopen status of an unreachable Redis', () => {
  test('names the Redis, without its password, and the reason', async () => {
    const ran = await wxopen(['status', '--redis', 'redis://:hunter2@127.0.0.1:1/0', '--appid', 'wx00000000000f0000']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe('wxopen status: cannot reach redis://127.0.0.1:1/0: connection refused (ECONNREFUSED)\n');
  });
});

describeRedis('wxopen status of a Redis store', () => {
  const prefix = `wxopen-test:${randomUUID()}:`;
  const appId = randomAppId();
  let client: Redis;

  beforeAll(async () => {
    client = new Redis(redisUrl());
    await plant(new RedisStore(client, { keyPrefix: prefix }), appId);
  });
  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });

  test('shows presence and times, the ticket idle time, and no secret', async () => {
    await expectPlantedReport(['--redis', redisUrl(), '--key-prefix', prefix, '--appid', appId], cleanEnv(), appId, true);
  });

  test('takes the Redis from REDIS_URL', async () => {
    await expectPlantedReport(['--key-prefix', prefix], cleanEnv({ REDIS_URL: redisUrl(), WECHAT_COMPONENT_APPID: appId }), appId, true);
  });

  test('reading the report leaves the ticket idle time alone', async () => {
    const key = `${prefix}${credentialKeys(appId).ticket}`;
    const idle = async () => Number(await client.object('IDLETIME', key));
    await eventually(async () => ((await idle()) >= 1 ? true : undefined), 50);
    const ran = await wxopen(['status', '--redis', redisUrl(), '--key-prefix', prefix, '--appid', appId]);
    expect(ran.code).toBe(0);
    // Shown when the core records no arrival time; read either way.
    if (!coreRecordsTicketArrival) expect(ran.stdout).toMatch(/last read or written [1-9]\d*s ago/);
    // A GET would have reset it to 0.
    expect(await idle()).toBeGreaterThanOrEqual(1);
  });
});

describeWithRedisServer('wxopen status of a Redis Cluster', () => {
  let cluster: RedisCluster;
  let client: Cluster;
  const prefix = 'wxopen-test:';
  let appId: string;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    client = new Cluster([...cluster.startupNodes]);
    // A component whose keys live on the second or third node, not on the one the CLI is given (redis-cli
    // gives the first node the first third of the slots).
    const first = cluster.nodes[0] as RedisServer;
    do appId = randomAppId();
    while (Number(await first.command('CLUSTER', 'KEYSLOT', `{${appId}}`)) < Math.floor(16_384 / 3));
    await plant(new RedisStore(client, { keyPrefix: prefix }), appId);
  }, 30_000);
  afterAll(async () => {
    await client?.quit();
    await cluster?.dispose();
  });

  test('lists the authorizers from the node that holds the component, given another node', async () => {
    const entry = `${cluster.startupNodes[0]?.host}:${cluster.startupNodes[0]?.port}`;
    await expectPlantedReport(['--cluster', entry, '--key-prefix', prefix, '--appid', appId], cleanEnv(), appId, true);
  });

  test('takes the nodes from REDIS_CLUSTER_NODES', async () => {
    await expectPlantedReport(['--key-prefix', prefix], cleanEnv({ REDIS_CLUSTER_NODES: cluster.nodeList, WECHAT_COMPONENT_APPID: appId }), appId, true);
  });
});

describeWithRedisServer('wxopen status of Redis behind Sentinel', () => {
  let master: RedisServer;
  let sentinel: RedisSentinel;
  const prefix = 'wxopen-test:';
  const appId = randomAppId();
  const at = () => `${sentinel.host}:${sentinel.port}`;

  beforeAll(async () => {
    master = await startRedisServer();
    sentinel = await startRedisSentinel({ master, name: 'wxopen-cli-master' });
    const client = new Redis({ host: master.host, port: master.port });
    await plant(new RedisStore(client, { keyPrefix: prefix }), appId);
    await client.quit();
  }, 30_000);
  afterAll(async () => {
    await sentinel?.dispose();
    await master?.dispose();
  });

  test('finds the master through the Sentinel, given by flags', async () => {
    await expectPlantedReport(['--sentinels', at(), '--sentinel-name', sentinel.name, '--key-prefix', prefix, '--appid', appId], cleanEnv(), appId, true);
  });

  test('or by REDIS_SENTINELS and REDIS_SENTINEL_NAME, as the examples read them', async () => {
    const env = cleanEnv({ REDIS_SENTINELS: at(), REDIS_SENTINEL_NAME: sentinel.name, WECHAT_COMPONENT_APPID: appId });
    await expectPlantedReport(['--key-prefix', prefix], env, appId, true);
  });

  test('refuses two Redis deployments named at once, and a Sentinel without its master name', async () => {
    const both = await wxopen(['status', '--appid', appId], cleanEnv({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_SENTINELS: '127.0.0.1:2', REDIS_SENTINEL_NAME: 'm' }));
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('REDIS_URL and REDIS_SENTINELS are set; say which store') });
    const alone = await wxopen(['status', '--appid', appId, '--sentinels', '127.0.0.1:2']);
    expect(alone).toMatchObject({ code: 2, stderr: 'wxopen status: --sentinels and --sentinel-name go together\n' });
  });
});

/**
 * The real thing: an example process whose credential chain runs against the fake WeChat. `wxopen push` sends it a
 * ticket and an authorization; `wxopen status` then shows what the platform stored, and none of it in clear.
 */
function describeExampleState(kind: 'file' | 'redis', describeIt: (name: string, fn: () => void) => void): void {
  describeIt(`wxopen status of what a running example stored (${kind})`, () => {
    const secrets = { appId: randomAppId(), appSecret: randomUUID(), token: 'tokenForStatus', encodingAESKey: 'b'.repeat(43) };
    const authorizer = 'wx000000000000a11c';
    const stateFile = tempStateFile('example');
    let fake: FakeWechat;
    let example: RunningExample;
    let store: string[];
    let cliEnv: NodeJS.ProcessEnv;

    beforeAll(async () => {
      fake = await startFakeWechat({ componentAppId: secrets.appId, componentAppSecret: secrets.appSecret });
      example = await startExample({
        WECHAT_COMPONENT_APPID: secrets.appId,
        WECHAT_COMPONENT_SECRET: secrets.appSecret,
        WECHAT_TOKEN: secrets.token,
        WECHAT_AES_KEY: secrets.encodingAESKey,
        WECHAT_API_BASE: fake.url,
        ...(kind === 'file' ? { WXOPEN_STATE_FILE: stateFile } : { REDIS_URL: redisUrl() }),
      });
      store = kind === 'file' ? ['--file', stateFile] : ['--redis', redisUrl()];
      cliEnv = cleanEnv({ WECHAT_COMPONENT_APPID: secrets.appId, WECHAT_TOKEN: secrets.token, WECHAT_AES_KEY: secrets.encodingAESKey });
    }, 20_000);

    afterAll(async () => {
      expect(await example?.stop()).toBe(0);
      await fake?.close();
      removeTemp(stateFile);
      if (kind === 'redis') {
        const client = new Redis(redisUrl());
        const keys = await client.keys(`wxopen:{${secrets.appId}}:*`);
        if (keys.length > 0) await client.del(...keys);
        await client.quit();
      }
    });

    const status = async (): Promise<ComponentStatus> => {
      const ran = await wxopen(['status', ...store, '--json'], cliEnv);
      expect(ran).toMatchObject({ code: 0, stderr: '' });
      return JSON.parse(ran.stdout) as ComponentStatus;
    };

    test('a ticket and an authorization pushed with wxopen push show up, and no secret is printed', async () => {
      if (kind === 'redis') expect((await status()).ticket.present).toBe(false);
      else expect((await wxopen(['status', ...store], cliEnv)).stderr).toContain('no state file at');
      const ticket = fake.pushTicket();
      const code = fake.registerAuthorizationCode({ appId: authorizer });
      const url = `${example.url}/wechat`;
      expect((await wxopen(['push', '--url', url, 'ticket', '--field', `ComponentVerifyTicket=${ticket}`], cliEnv)).code).toBe(0);
      expect((await wxopen(['push', '--url', url, 'authorized', '--appid', authorizer, '--field', `AuthorizationCode=${code}`], cliEnv)).code).toBe(0);

      // The platform exchanges the code in the background: wait until its refresh token is stored.
      const report = await eventually(async () => {
        const current = await status();
        return current.authorizers.some((a) => a.appId === authorizer && a.refreshToken) ? current : undefined;
      });
      expect(report).toMatchObject({
        ticket: { present: true },
        componentToken: { state: 'valid' },
        outbox: [],
        authorizers: [{ appId: authorizer, refreshToken: true, accessToken: { state: 'valid' } }],
      });
      expect(fake.count('api_query_auth')).toBe(1);

      const text = await wxopen(['status', ...store], cliEnv);
      expect(text.stdout).toMatch(/component token +valid for 1h 49m/);
      expect(text.stdout).toMatch(new RegExp(`${authorizer} .+ refresh token kept +access token valid for 1h 49m`));
      const fakeAuthorizer = fake.state.authorizers.get(authorizer);
      const stored = [ticket, code, fake.state.componentToken, fakeAuthorizer?.refreshToken, fakeAuthorizer?.accessToken];
      expect(stored.every((value) => typeof value === 'string' && value.length > 10)).toBe(true);
      if (kind === 'file') expect(readFileSync(stateFile, 'utf8')).toContain(fakeAuthorizer?.refreshToken as string);
      for (const secret of stored) expect(text.stdout + text.stderr).not.toContain(secret as string);
    }, 30_000);

    test('an unauthorized push removes the authorizer from the report', async () => {
      const url = `${example.url}/wechat`;
      expect((await wxopen(['push', '--url', url, 'unauthorized', '--appid', authorizer], cliEnv)).code).toBe(0);
      const report = await status();
      expect(report.authorizers).toEqual([]);
    });
  });
}

describeExampleState('file', describe);
describeExampleState('redis', describeRedis);
