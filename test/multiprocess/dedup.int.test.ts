/**
 * WeChat retries a message it got no answer to within 5 s, and behind a load balancer the retry may reach
 * another process. Two real processes (`dedup-child.mjs`, BUILT packages) serve one platform on one Redis:
 * the same message (same MsgId) delivered to both runs the handler once in total.
 */
import { WechatSimulator, textMessage, uniqueMsgId } from '@wxopen/testing';
import type { Push } from '@wxopen/testing';
import type { Child, RedisScope } from './harness';
import { describeEachRedisShape, redisScope, startChild, valueOf } from './harness';

jest.setTimeout(30_000);

const AUTHORIZER = 'wx00000000000000d1';

describeEachRedisShape('a duplicate delivery across two processes', (shape) => {
  const secrets = WechatSimulator.generateSecrets();
  const wechat = new WechatSimulator(secrets);
  let redis: RedisScope;
  let servers: { child: Child; url: string }[] = [];

  beforeAll(async () => {
    redis = redisScope('dedup', shape);
    const children = await Promise.all(
      [1, 2].map(() =>
        startChild('dedup-child.mjs', {
          ...redis.env,
          WXOPEN_TEST_APP_ID: secrets.appId,
          WXOPEN_TEST_TOKEN: secrets.token,
          WXOPEN_TEST_AES_KEY: secrets.encodingAESKey,
          // Long enough that two concurrent deliveries overlap; far below the 4.5 s reply deadline.
          WXOPEN_TEST_HANDLER_DELAY_MS: '300',
        }),
      ),
    );
    servers = await Promise.all(
      children.map(async (child) => ({ child, url: `http://127.0.0.1:${String((await child.event('ready'))['port'])}` })),
    );
  });

  afterAll(async () => {
    await Promise.all(servers.map(({ child }) => child.kill()));
    await redis.dispose();
  });

  /** POSTs `push` to one server and returns the reply text (`success`, or the opened reply's Content). */
  async function deliver(server: { url: string }, push: Push): Promise<string> {
    const response = await fetch(server.url + push.url(`/wechat/callback/${AUTHORIZER}`), {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: push.body,
    });
    const body = await response.text();
    expect(response.status).toBe(200);
    if (body === 'success') return body;
    const content = wechat.openReply(body).record['Content'];
    if (typeof content !== 'string') throw new Error(`reply without Content: ${body}`);
    return content;
  }

  /** How many times each MsgId ran, over both processes. */
  async function runs(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const { child } of servers) {
      for (const msgId of valueOf(await child.request<string[]>('runs'))) counts.set(msgId, (counts.get(msgId) ?? 0) + 1);
    }
    return counts;
  }

  // Breaks when delivery marks live in process memory (each process would run the handler: 2 runs). The reply
  // itself is not kept in the shared store (no plaintext there): the other process answers `success`.
  test('a retry that reaches the other process is answered success and does not run the handler again', async () => {
    const [first, second] = servers;
    if (!first || !second) throw new Error('servers did not start');
    const msgId = uniqueMsgId();
    const push = wechat.encrypted(textMessage('sequential', { msgId }));

    const answer = await deliver(first, push);
    const retry = await deliver(second, push);

    expect(answer).toBe(`handled by ${first.child.pid}: sequential`);
    expect(retry).toBe('success');
    expect((await runs()).get(msgId)).toBe(1);
  });

  // Breaks when the claim is not atomic across processes (a get-then-set would let both run), or is in memory.
  test('the same message delivered to both processes at once runs the handler once; the other answer is the same reply or success', async () => {
    const msgIds = Array.from({ length: 5 }, () => uniqueMsgId());
    for (const msgId of msgIds) {
      const push = wechat.encrypted(textMessage(`concurrent ${msgId}`, { msgId }));
      const answers = await Promise.all(servers.map((server) => deliver(server, push)));
      const replies = answers.filter((answer) => answer !== 'success');
      expect(replies.length).toBeGreaterThanOrEqual(1);
      expect(new Set(replies).size).toBe(1);
      expect(replies[0]).toMatch(new RegExp(`^handled by \\d+: concurrent ${msgId}$`));
    }
    const counts = await runs();
    expect(msgIds.map((msgId) => counts.get(msgId))).toEqual(msgIds.map(() => 1));
  });
});
