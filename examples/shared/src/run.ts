import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthServer, Store } from '@wxopen/core';
import type { ExampleConfig } from './config';
import { CREDENTIAL_VARIABLES, ConfigError, loadConfig } from './config';
import { demoCredentialsFile, loadDemoCredentials } from './demo-credentials';
import type { ServerLimits } from './limits';
import { loadServerLimits } from './limits';
import type { Observability } from './observe';
import { createObservability, loadLogLevel } from './observe';
import { createPlatform } from './platform';
import { watchConnections } from './shutdown';
import { createStore } from './store';

/** A server that is listening. */
export interface Started {
  /** The port actually bound (differs from the configured one when that was 0). */
  readonly port: number;
  /**
   * Stops accepting connections, closes each connection once it has no request in flight (idle ones at once),
   * and resolves when none is left.
   */
  close(): Promise<void>;
  /** Destroys every connection still open: slow uploads, stalled clients, requests the grace period did not wait for. */
  closeAllConnections(): void;
}

/**
 * Starts one framework's app for `platform` on `config.host`/`config.port`, enforcing `limits`, serving
 * `/healthz` and `observability`'s `/metrics`.
 */
export type StartServer = (platform: AuthServer, config: ExampleConfig, limits: ServerLimits, observability: Observability) => Promise<Started>;

/**
 * Listens with a plain Node server (Express apps, Koa's `app.callback()`, NestJS's Express instance), made by
 * `createHttpServer(listener, limits)` so that it enforces the limits.
 */
export function listenNode(server: http.Server, config: ExampleConfig): Promise<Started> {
  const connections = watchConnections(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => {
          const closed = new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
          connections.drain();
          return closed;
        },
        closeAllConnections: () => server.closeAllConnections(),
      });
    });
  });
}

function printDemoCredentials(config: ExampleConfig, file: string, created: boolean): void {
  const { appId, appSecret, token, encodingAESKey } = config.credentials;
  const values = [appId, appSecret, token, encodingAESKey];
  console.log(
    `wxopen example: no WECHAT_* credentials are set, so LOCAL DEMO credentials were ${created ? 'generated and saved to' : 'read from'} ${file}.`,
  );
  console.log('They are not registered with WeChat; use them with a simulator or curl on this machine only:');
  CREDENTIAL_VARIABLES.forEach((name, i) => console.log(`  ${name}=${values[i] ?? ''}`));
}

/** The configuration from the environment; without WECHAT_* variables, with the demo credentials kept on disk. */
function configure(): ExampleConfig {
  const config = loadConfig();
  if (!config.demo) return config;
  const file = demoCredentialsFile(config.stateFile);
  const { credentials, created } = loadDemoCredentials(file);
  const demo = { ...config, credentials };
  printDemoCredentials(demo, file, created);
  return demo;
}

/**
 * Runs an example: reads the environment (exit code 1 with the reason when it is incomplete), prints demo
 * credentials when none were given, starts the server, prints `listening on http://HOST:PORT`.
 *
 * On SIGTERM or SIGINT it shuts down gracefully: it stops accepting connections and closes the idle ones,
 * lets requests in flight finish for up to `shutdownGraceMs`, then destroys the connections still open (slow
 * uploads, stalled clients), closes the platform and the store, and exits with code 0. A second signal exits
 * at once with code 1.
 */
export async function runExample(framework: string, start: StartServer): Promise<void> {
  let started: Started;
  let platform: AuthServer;
  let store: Store | undefined;
  let limits: ServerLimits;
  let observability: Observability;
  try {
    limits = loadServerLimits();
    observability = createObservability({ level: loadLogLevel() });
    const config = configure();
    const state = createStore(config);
    store = state.store;
    platform = createPlatform(config.credentials, {
      store,
      apiBase: config.apiBase,
      maxClockSkewSeconds: config.maxClockSkewSeconds,
      onError: observability.onError,
      onLateReply: observability.onLateReply,
    });
    void observability.watch(platform);
    started = await start(platform, config, limits, observability);
    console.log(`wxopen ${framework} example: state in ${state.description}`);
    console.log(`wxopen ${framework} example listening on http://${config.host}:${started.port}`);
    console.log(`wxopen ${framework} example: health at http://${config.host}:${started.port}/healthz, Prometheus metrics at /metrics`);
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

  async function shutDown(signal: NodeJS.Signals): Promise<void> {
    console.log(`wxopen ${framework} example: ${signal} received, closing (in-flight requests get ${limits.shutdownGraceMs} ms)`);
    const closed = started.close();
    const graceful = await Promise.race([closed.then(() => true), sleep(limits.shutdownGraceMs, false)]);
    if (!graceful) {
      console.log(`wxopen ${framework} example: grace period over, closing the connections still open`);
      started.closeAllConnections();
      await closed;
    }
    await platform.close();
    await store?.close?.();
    observability.close();
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`wxopen ${framework} example: ${signal} received again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    shutDown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`wxopen ${framework} example: close failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
