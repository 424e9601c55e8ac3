/**
 * A release against the fake WeChat: authorized mini programs with their refresh tokens stored, a template,
 * runners on one store, and a platform callback server that turns the fake's encrypted audit pushes into
 * `handleAuditEvent` calls.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '../../src/api/client';
import { ApiTransport } from '../../src/api/transport';
import type { ApiRequest, ApiResponse } from '../../src/api/transport';
import { ComponentCredentials } from '../../src/credentials/component';
import { MessageCipher } from '../../src/crypto/cipher';
import { sign } from '../../src/crypto/signature';
import { ReleaseRunner } from '@wxopen/core';
import type { AuditPush, ReleaseEvent, ReleaseJob, ReleaseRunnerOptions } from '@wxopen/core';
import { MemoryStore } from '../../src/store/memory';
import type { Store } from '../../src/store/types';
import { parseXml } from '../../src/xml';
import { WechatSimulator, startFakeWechat } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';

export const appIdOf = (i: number) => `wxmp${String(i).padStart(14, '0')}`;

export interface ReleaseHarness {
  readonly fake: FakeWechat;
  readonly store: Store;
  readonly appIds: readonly string[];
  readonly templateId: number;
  /** An authorizer client outside any runner, for setting the scene. */
  directClient(appId: string): Client;
  /** A job over every mini program of the harness. */
  job(extra?: Partial<ReleaseJob>): ReleaseJob;
  /** A runner (one "process": its own credentials and transport) on the shared store. */
  runner(
    options?: Partial<ReleaseRunnerOptions> & { readonly transport?: ApiTransport; readonly lockWaitMs?: number },
  ): { runner: ReleaseRunner; events: ReleaseEvent[] };
  /** Starts the platform callback server feeding pushes to `runner`, and points the fake at it. */
  listen(runner: ReleaseRunner): Promise<void>;
  close(): Promise<void>;
}

/** Fast settings for tests: short backoffs, polls and leases. */
export const FAST: Partial<ReleaseRunnerOptions> = Object.freeze({
  concurrency: 20,
  backoffMs: 5,
  maxBackoffMs: 40,
  pollIntervalMs: 60,
  recheckMs: 20,
  leaseMs: 2_000,
});

export async function releaseHarness(count: number): Promise<ReleaseHarness> {
  const secrets = WechatSimulator.generateSecrets();
  const fake = await startFakeWechat({ componentAppId: secrets.appId, componentAppSecret: secrets.appSecret });
  const store = new MemoryStore();
  const ticket = fake.pushTicket();
  const appIds = Array.from({ length: count }, (_, i) => appIdOf(i));
  const setup = new ComponentCredentials({ appId: fake.componentAppId, appSecret: fake.componentAppSecret, store, apiBase: fake.url });
  await setup.saveVerifyTicket(ticket);
  for (const appId of appIds) await store.set(setup.keys.authorizerRefreshToken(appId), fake.addMiniProgram(appId).refreshToken);
  const templateId = fake.addTemplate({ user_version: '5.0.0' }).template_id;
  const made: ComponentCredentials[] = [setup];
  const servers: Server[] = [];

  return {
    fake,
    store,
    appIds,
    templateId,
    directClient: (appId) => setup.authorizerClient(appId),
    job: (extra = {}) => ({
      id: 'spring-5.0.0',
      templateId,
      userVersion: '5.0.0',
      userDesc: 'spring release',
      extJson: (appId) => JSON.stringify({ extAppid: appId, ext: { shop: appId } }),
      targets: appIds,
      ...extra,
    }),
    runner(options = {}) {
      const transport = options.transport ?? new ApiTransport({ apiBase: fake.url, busyRetries: 0 });
      // Short credential locks: a runner that "dies" mid token fetch leaves its lock to expire quickly.
      const credentials = new ComponentCredentials({
        appId: fake.componentAppId,
        appSecret: fake.componentAppSecret,
        store,
        transport,
        lockTtlMs: 500,
        lockWaitMs: options.lockWaitMs ?? 3_000,
      });
      made.push(credentials);
      const events: ReleaseEvent[] = [];
      const runner = new ReleaseRunner({
        componentAppId: fake.componentAppId,
        store,
        clientFor: (appId) => credentials.authorizerClient(appId),
        componentClient: credentials.client(),
        ...FAST,
        ...options,
        onEvent: (event) => {
          events.push(event);
          options.onEvent?.(event);
        },
      });
      return { runner, events };
    },
    async listen(runner) {
      const cipher = new MessageCipher(secrets.encodingAESKey, secrets.appId);
      const server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          void (async () => {
            const url = new URL(request.url ?? '/', 'http://platform');
            const q = Object.fromEntries(url.searchParams);
            const encrypt = String(parseXml(Buffer.concat(chunks).toString('utf8'))['Encrypt']);
            if (sign([secrets.token, q['timestamp'] ?? '', q['nonce'] ?? '', encrypt]) !== q['msg_signature']) {
              response.statusCode = 401;
              response.end();
              return;
            }
            const event = parseXml(cipher.decrypt(encrypt).message.toString('utf8'));
            await runner.handleAuditEvent(url.pathname.split('/').pop() ?? '', event as unknown as AuditPush);
            response.end('success');
          })().catch(() => {
            response.statusCode = 500;
            response.end();
          });
        });
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      fake.configureCallback({ messageUrl: `http://127.0.0.1:${port}/wechat/callback/$APPID$`, token: secrets.token, encodingAESKey: secrets.encodingAESKey }, 5);
    },
    async close() {
      await fake.close();
      await Promise.all(
        servers.map((server) => {
          const closed = new Promise((resolve) => server.close(resolve));
          server.closeAllConnections();
          return closed;
        }),
      );
      for (const credentials of made) await credentials.close();
      await (store as MemoryStore).close();
    },
  };
}

/**
 * A transport that "dies" like a killed process: once `dies(request)` says so, the request that triggered it
 * still reaches WeChat but its answer is lost, and every later request hangs without being sent. Requests already
 * sent still land; `landed()` resolves once they all have — the moment a runner's lease must outlast.
 */
export class DyingTransport extends ApiTransport {
  #dead = false;
  #inFlight = 0;
  readonly #dies: (request: ApiRequest) => boolean;

  constructor(apiBase: string, dies: (request: ApiRequest) => boolean) {
    super({ apiBase, busyRetries: 0 });
    this.#dies = dies;
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** Resolves when every request sent before the death has reached WeChat and been answered. */
  async landed(): Promise<void> {
    while (this.#inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  override async request(request: ApiRequest): Promise<ApiResponse> {
    if (this.#dead) return new Promise<never>(() => undefined);
    this.#inFlight++;
    let answer: ApiResponse;
    try {
      answer = await super.request(request);
    } finally {
      this.#inFlight--;
    }
    if (this.#dies(request)) this.#dead = true;
    if (this.#dead) return new Promise<never>(() => undefined);
    return answer;
  }
}
