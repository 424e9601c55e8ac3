/**
 * The fake WeChat with a component whose ticket is in, a store on the fake's clock, credentials pointed at both,
 * and helpers to add authorized mini programs and official accounts whose refresh tokens are stored.
 */
import { Client } from '../../src/api/client';
import { asAccessTokenParam } from '../../src/api/templates';
import { ApiTransport } from '../../src/api/transport';
import { ComponentCredentials } from '../../src/credentials/component';
import { MemoryStore } from '../../src/store/memory';
import { WechatApiError } from '../../src/errors';
import { startFakeWechat } from '@wxopen/testing';
import type { FakeMiniProgramDetails, FakeWechat, FakeWechatOptions } from '@wxopen/testing';

export interface OnBehalf {
  readonly fake: FakeWechat;
  readonly store: MemoryStore;
  readonly credentials: ComponentCredentials;
  readonly transport: ApiTransport;
  /** The component client (`?component_access_token=`). */
  readonly component: Client;
  /** The component token in `?access_token=` (template library, beta registration). */
  readonly componentAsAccessToken: Client;
  /** Adds an authorized mini program, stores its refresh token, returns its authorizer client. */
  miniProgram(appId: string, details?: FakeMiniProgramDetails): Promise<Client>;
  /** Adds an authorized official account, stores its refresh token, returns its authorizer client. */
  officialAccount(appId: string): Promise<Client>;
  close(): Promise<void>;
}

export async function onBehalf(fakeOptions: FakeWechatOptions = {}): Promise<OnBehalf> {
  const fake = await startFakeWechat(fakeOptions);
  const store = new MemoryStore({ now: fake.clock.now });
  const transport = new ApiTransport({ apiBase: fake.url, busyRetries: 0 });
  const credentials = new ComponentCredentials({
    appId: fake.componentAppId,
    appSecret: fake.componentAppSecret,
    store,
    transport,
    now: fake.clock.now,
  });
  await credentials.saveVerifyTicket(fake.pushTicket());
  const store_ = async (appId: string, refreshToken: string) => {
    await store.set(credentials.keys.authorizerRefreshToken(appId), refreshToken);
    return credentials.authorizerClient(appId);
  };
  return {
    fake,
    store,
    credentials,
    transport,
    component: credentials.client(),
    componentAsAccessToken: new Client(transport, asAccessTokenParam(credentials.client().tokens)),
    miniProgram: (appId, details) => store_(appId, fake.addMiniProgram(appId, details).refreshToken),
    officialAccount: (appId) => store_(appId, fake.addAuthorizer(appId).refreshToken),
    async close() {
      await credentials.close();
      await store.close();
      await fake.close();
    },
  };
}

/** The errcode a call rejects with (fails the test when it resolves or rejects with something else). */
export async function errcodeOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (error) {
    if (error instanceof WechatApiError) return error.errcode;
    throw error;
  }
  throw new Error('the call succeeded; an errcode was expected');
}
