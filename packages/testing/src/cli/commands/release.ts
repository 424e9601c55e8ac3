/**
 * `wxopen release`: one template to many mini programs — commit, audit, release — with the core's `ReleaseRunner`,
 * on the platform's own store, so the run resumes where it stopped (run the same command again with the same
 * `--job`). A live progress line (redrawn on a terminal, one line per change elsewhere), then the table of accounts
 * by state. Audit results come from the platform's own callback server when it runs a runner of its own
 * (`platform.releaseRunner()`), else from polling `get_auditstatus` every `--poll-ms`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReleaseEvent, ReleaseJob, ReleaseTargets, Store } from '@wxopen/core';
import { ComponentCredentials, FileStore, renderReleaseProgress, renderReleaseTable } from '@wxopen/core';
import type { Command, Parsed } from '../args';
import { atMost, integerOption, parseCommand } from '../args';
import { COMPONENT_APPID, credential } from '../credentials';
import { CliError, EXIT_FAILED, EXIT_OK, UsageError } from '../errors';
import type { Io } from '../io';

const OPTIONS = {
  template: { type: 'string' },
  'user-version': { type: 'string' },
  'user-desc': { type: 'string' },
  'ext-json': { type: 'string' },
  targets: { type: 'string' },
  job: { type: 'string' },
  concurrency: { type: 'string' },
  'poll-ms': { type: 'string' },
  file: { type: 'string' },
  redis: { type: 'string' },
  cluster: { type: 'string' },
  'key-prefix': { type: 'string' },
  appid: { type: 'string' },
  'api-base': { type: 'string' },
} as const;

type Values = Parsed<typeof OPTIONS>['values'];

const HELP = `usage: wxopen release --template <id> --user-version <v> --user-desc <text> [options]

Commits code template <id> to the mini programs, submits each for audit, waits for the audit result and releases,
with the platform's credentials and store. Run the same command again (same --job) to resume after a stop.

Options:
  --template <id>        code template id (from the template library)
  --user-version <v>     version shown to users
  --user-desc <text>     description of the version
  --ext-json <json>      ext.json of the commit (default {})
  --targets <list>       all (every authorized account, the default) or appids separated by commas
  --job <id>             the run's id, to resume it (default release-<user-version>)
  --concurrency <n>      accounts with a request under way at once (default 10)
  --poll-ms <ms>         how often an audit with no result yet is polled (default 60000)
  --file <path>          the FileStore of the platform (stop the platform first: one process per file)
  --redis <url>          the platform's Redis (or REDIS_URL)
  --cluster <nodes>      the platform's Redis Cluster, host:port,… (or REDIS_CLUSTER_NODES)
  --key-prefix <p>       Redis key prefix (default wxopen:)
  --appid <wx…>          the component appid (or WECHAT_COMPONENT_APPID); WECHAT_COMPONENT_SECRET is read
                         from the environment only
  --api-base <url>       WeChat API host (or WECHAT_API_BASE; default https://api.weixin.qq.com)

Exit codes: 0 every account released or rejected by the audit, 1 some failed, 2 wrong command line.`;

/** The platform's store: the one given by flags, else the one the environment names as the examples read it. */
async function openStore(values: Values, io: Io): Promise<Store> {
  const env = (name: string) => (io.env[name]?.trim() ? io.env[name]?.trim() : undefined);
  const given = (['file', 'redis', 'cluster'] as const).filter((name) => values[name] !== undefined);
  if (given.length > 1) throw new UsageError(`release: give one store, not ${given.map((n) => `--${n}`).join(' and ')}`);
  const redisUrl = values.redis ?? (given.length === 0 ? env('REDIS_URL') : undefined);
  const clusterNodes = values.cluster ?? (given.length === 0 ? env('REDIS_CLUSTER_NODES') : undefined);
  if (values.file === undefined && (redisUrl !== undefined || clusterNodes !== undefined)) {
    // Loaded only here: @wxopen/redis (and ioredis) is an optional peer of this package.
    const redis = await import('@wxopen/redis').catch(() => {
      throw new CliError('release: a Redis store needs @wxopen/redis and ioredis installed');
    });
    const target = clusterNodes !== undefined ? { cluster: redis.parseRedisNodes(clusterNodes, 'REDIS_CLUSTER_NODES') } : (redisUrl as string);
    return redis.createRedisStore(target, { keyPrefix: values['key-prefix'] ?? 'wxopen:', log: (line: string) => io.err(line) });
  }
  return new FileStore({ path: values.file ?? env('WXOPEN_STATE_FILE') ?? '.wxopen/state.json' });
}

function required(values: Values, name: 'template' | 'user-version' | 'user-desc'): string {
  const value = values[name];
  if (value === undefined || value.trim() === '') throw new UsageError(`release: --${name} is required (see wxopen release --help)`);
  return value;
}

function targetsOf(raw: string | undefined): ReleaseTargets {
  if (raw === undefined || raw === 'all') return 'all';
  const appIds = raw.split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (appIds.length === 0 || appIds.some((id) => !/^wx[0-9a-z]{16}$/i.test(id))) {
    throw new UsageError('release: --targets must be all, or appids (wx…) separated by commas');
  }
  return appIds;
}

/** The progress output: a line redrawn in place on a terminal; elsewhere one line per change, at most every 200 ms. */
function progressWriter(io: Io, tty: boolean): { update(line: string): void; end(): void } {
  let last = '';
  let printedAt = 0;
  let pending: string | undefined;
  return {
    update(line) {
      if (line === last) return;
      last = line;
      if (tty) {
        process.stdout.write(`\r${line}\x1b[K`);
        return;
      }
      const now = Date.now();
      if (now - printedAt < 200) {
        pending = line;
        return;
      }
      printedAt = now;
      pending = undefined;
      io.out(line);
    },
    end() {
      if (tty) process.stdout.write('\n');
      else if (pending !== undefined) io.out(pending);
    },
  };
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('release', argv, OPTIONS);
  atMost('release', positionals, 0);
  const componentAppId = credential(COMPONENT_APPID, values.appid, io.env)?.value;
  if (componentAppId === undefined) throw new UsageError('release: give --appid or set WECHAT_COMPONENT_APPID (the component appid)');
  const appSecret = io.env['WECHAT_COMPONENT_SECRET']?.trim();
  if (!appSecret) throw new UsageError('release: set WECHAT_COMPONENT_SECRET (the component AppSecret) in the environment');
  const templateId = integerOption('release', 'template', required(values, 'template'), 0, 0, Number.MAX_SAFE_INTEGER);
  const userVersion = required(values, 'user-version');
  const userDesc = required(values, 'user-desc');
  const extJson = values['ext-json'] ?? '{}';
  try {
    JSON.parse(extJson);
  } catch {
    throw new UsageError('release: --ext-json must be JSON');
  }
  const concurrency = integerOption('release', 'concurrency', values.concurrency, 10, 1, 200);
  const pollIntervalMs = integerOption('release', 'poll-ms', values['poll-ms'], 60_000, 10, 86_400_000);
  const job: ReleaseJob = {
    id: values.job ?? `release-${userVersion}`,
    templateId,
    userVersion,
    userDesc,
    extJson,
    targets: targetsOf(values.targets),
  };

  const store = await openStore(values, io);
  const credentials = new ComponentCredentials({
    appId: componentAppId,
    appSecret,
    store,
    api: { apiBase: values['api-base'] ?? io.env['WECHAT_API_BASE'] ?? undefined },
    onOutboxError: () => undefined, // the platform's own process reports its authorization codes
    onLockWait: () => undefined,
  });
  const progress = progressWriter(io, process.stdout.isTTY === true && io.env['WXOPEN_NO_TTY'] === undefined);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const runner = credentials.releaseRunner({
      concurrency,
      pollIntervalMs,
      onEvent: (event: ReleaseEvent) => {
        if (event.type === 'progress') progress.update(renderReleaseProgress(event));
        else if (event.type === 'started' && event.resumed > 0) io.err(`release: resuming job ${event.jobId}: ${event.resumed} account(s) already under way`);
      },
    });
    const summary = await runner.run(job, { signal: stop.signal });
    progress.end();
    io.out('');
    io.out(renderReleaseTable(summary.accounts));
    if (!summary.done) {
      io.err(`release: stopped; run the same command again (--job ${job.id}) to resume`);
      return EXIT_FAILED;
    }
    return summary.counts.failed > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await credentials.close();
    await sleep(0);
    await store.close?.();
  }
}

export const release: Command = {
  name: 'release',
  summary: 'commit a code template to many mini programs, through audit, to release (resumable)',
  help: HELP,
  run,
};
