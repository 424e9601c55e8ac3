import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthServer, Store } from '@wxopen/core';
import type { ExampleConfig } from './config';
import { CREDENTIAL_VARIABLES, ConfigError, loadConfig } from './config';
import { createPlatform } from './platform';
import { createStore } from './store';

/** A server that is listening. */
export interface Started {
  /** The port actually bound (differs from the configured one when that was 0). */
  readonly port: number;
  /** Stops accepting connections and resolves when in-flight requests are done. */
  close(): Promise<void>;
}

/** Starts one framework's app for `platform` on `config.host`/`config.port`. */
export type StartServer = (platform: AuthServer, config: ExampleConfig) => Promise<Started>;

/** Listens with a plain Node server (Express apps, Koa's `app.callback()`). */
export function listenNode(server: http.Server, config: ExampleConfig): Promise<Started> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
      });
    });
  });
}

function printDemoCredentials(config: ExampleConfig): void {
  const { appId, appSecret, token, encodingAESKey } = config.credentials;
  const values = [appId, appSecret, token, encodingAESKey];
  console.log('wxopen example: no WECHAT_* credentials are set, so LOCAL DEMO credentials were generated.');
  console.log('They are not registered with WeChat; use them with a simulator or curl on this machine only:');
  CREDENTIAL_VARIABLES.forEach((name, i) => console.log(`  ${name}=${values[i] ?? ''}`));
}

/**
 * Runs an example: reads the environment (exit code 1 with the reason when it is incomplete), prints demo
 * credentials when none were given, starts the server, prints `listening on http://HOST:PORT`, and on
 * SIGTERM or SIGINT closes the server and exits with code 0.
 */
export async function runExample(framework: string, start: StartServer): Promise<void> {
  let started: Started;
  let platform: AuthServer;
  let store: Store | undefined;
  try {
    const config = loadConfig();
    if (config.demo) printDemoCredentials(config);
    const state = createStore(config);
    store = state.store;
    platform = createPlatform(config.credentials, {
      store,
      apiBase: config.apiBase,
      maxClockSkewSeconds: config.maxClockSkewSeconds,
    });
    started = await start(platform, config);
    console.log(`wxopen ${framework} example: state in ${state.description}`);
    console.log(`wxopen ${framework} example listening on http://${config.host}:${started.port}`);
    if (config.demo) {
      const { appId, token, encodingAESKey } = config.credentials;
      console.log('Try it from another terminal:');
      console.log(
        `  WECHAT_COMPONENT_APPID=${appId} WECHAT_TOKEN=${token} WECHAT_AES_KEY=${encodingAESKey} ` +
          `npx wxopen push --url http://${config.host}:${started.port}/wechat text hello`,
      );
    }
  } catch (error) {
    const reason = error instanceof ConfigError || error instanceof TypeError ? error.message : String(error);
    console.error(`wxopen ${framework} example cannot start: ${reason}`);
    process.exit(1);
  }
  const stop = (signal: NodeJS.Signals) => {
    console.log(`wxopen ${framework} example: ${signal} received, closing`);
    started
      .close()
      .then(() => platform.close())
      .then(() => store?.close?.())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`wxopen ${framework} example: close failed: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
