import { ApiTransport } from '../../src/api/transport';
import { Client } from '../../src/api/client';
import type { TokenSource } from '../../src/api/client';
import { WechatApiError } from '../../src/errors';
import { startFakeWechat } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';

const SEND = '/cgi-bin/message/custom/send';
const MESSAGE = { touser: 'openid1', msgtype: 'text', text: { content: 'hi' } };

let fake: FakeWechat;
let refreshes: string[];

/** A token source on one fake authorizer: refreshes through the fake's own token issuance. */
function source(appId: string): TokenSource {
  let current = fake.state.authorizers.get(appId)?.accessToken ?? '';
  return {
    param: 'access_token',
    token: async () => current,
    refreshToken: async (failed) => {
      refreshes.push(failed);
      const authorizer = fake.state.authorizers.get(appId);
      if (!authorizer) throw new Error('no authorizer');
      current = fake.state.issueAuthorizerToken(authorizer);
      return current;
    },
  };
}

let client: Client;
beforeEach(async () => {
  fake = await startFakeWechat();
  refreshes = [];
  fake.state.issueAuthorizerToken(fake.addAuthorizer('wxa1'));
  client = new Client(new ApiTransport({ apiBase: fake.url, busyBackoffMs: 1 }), source('wxa1'));
});
afterEach(() => fake.close());

describe('Client', () => {
  it('puts the token in the query parameter named by the token source', async () => {
    const token = fake.state.authorizers.get('wxa1')?.accessToken;
    await client.postJSON(SEND, MESSAGE);
    expect(fake.requests[0]?.query).toEqual({ access_token: token });
    expect(fake.sentMessages[0]?.message).toEqual(MESSAGE);
  });

  it('getJSON sends a GET with the token and extra query parameters', async () => {
    const body = await client.getJSON<{ ip_list: string[] }>('/cgi-bin/get_api_domain_ip', { lang: 'zh_CN' });
    expect(body.ip_list).toEqual(['127.0.0.1']);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', query: { lang: 'zh_CN', access_token: expect.any(String) } });
  });

  it.each([40001, 40014, 42001])('on %i refreshes the failed token once and retries once', async (errcode) => {
    const failed = fake.state.authorizers.get('wxa1')?.accessToken;
    fake.failNext('send', errcode);
    await client.postJSON(SEND, MESSAGE);
    expect(refreshes).toEqual([failed]);
    expect(fake.count('send')).toBe(2);
    expect(fake.requests[1]?.query['access_token']).toBe(fake.state.authorizers.get('wxa1')?.accessToken);
    expect(fake.sentMessages).toHaveLength(1);
  });

  it('retries with a fresh token after the token was invalidated elsewhere', async () => {
    fake.invalidateAuthorizerToken('wxa1');
    await client.postJSON(SEND, MESSAGE);
    expect(refreshes).toHaveLength(1);
    expect(fake.sentMessages).toHaveLength(1);
  });

  it('surfaces a second 40001 as WechatApiError without refreshing again', async () => {
    fake.failNext('send', 40001, 2);
    const error = await client.postJSON(SEND, MESSAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ errcode: 40001, api: SEND });
    expect(refreshes).toHaveLength(1);
    expect(fake.count('send')).toBe(2);
  });

  it('does not refresh on other errcodes', async () => {
    fake.failNext('send', 45009);
    await expect(client.postJSON(SEND, MESSAGE)).rejects.toMatchObject({ errcode: 45009 });
    expect(refreshes).toHaveLength(0);
  });

  it('never puts the token in an error message', async () => {
    const tokens = [fake.state.authorizers.get('wxa1')?.accessToken ?? ''];
    fake.failNext('send', 40001, 2);
    const error = (await client.postJSON(SEND, MESSAGE).catch((e: unknown) => e)) as Error;
    tokens.push(fake.state.authorizers.get('wxa1')?.accessToken ?? '');
    for (const token of tokens) {
      expect(token).not.toBe('');
      expect(String(error)).not.toContain(token);
      expect(error.message).not.toContain(token);
    }
  });
});
