import type { AuthServer, ErrorHook, LateReplyHook } from '@wxopen/core';
import type { Logger } from 'pino';
import type { LogLevel } from './logging';
import { createLogger, errorLogger, lateReplyLogger, logEvents } from './logging';
import type { WxOpenMetrics } from './metrics';
import { createMetrics } from './metrics';

export * from './logging';
export * from './metrics';
export * from './probes';

/** What an example watches itself with: a logger, metrics, and the platform hooks that log. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: WxOpenMetrics;
  /** For `AuthServer`'s `onError`. */
  readonly onError: ErrorHook;
  /** For `AuthServer`'s `onLateReply`. */
  readonly onLateReply: LateReplyHook;
  /**
   * Seeds the metrics from `platform.health()` (the stored ticket's age, whether the store answers), once, in
   * the background: a restarted process then reports the age of a ticket that came before it started.
   */
  watch(platform: AuthServer): Promise<void>;
  /** Unsubscribes the metrics and the event logs from wxopen's channels. */
  close(): void;
}

export interface ObservabilityOptions {
  /** Default `info` (`WXOPEN_LOG_LEVEL` through `loadLogLevel`). */
  readonly level?: LogLevel;
  /** Default: a logger at `level` on standard output. */
  readonly logger?: Logger;
}

/** Metrics and logs subscribed to wxopen's channels; one per process (the channels are process-wide). */
export function createObservability(options: ObservabilityOptions = {}): Observability {
  const logger = options.logger ?? createLogger(options.level);
  const metrics = createMetrics();
  const stopLogging = logEvents(logger);
  return {
    logger,
    metrics,
    onError: errorLogger(logger),
    onLateReply: lateReplyLogger(logger),
    async watch(platform) {
      try {
        metrics.seed(await platform.health());
      } catch (error) {
        logger.warn({ cause: error instanceof Error ? error.message : String(error) }, 'health check failed');
      }
    },
    close() {
      metrics.close();
      stopLogging();
    },
  };
}
