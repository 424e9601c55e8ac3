/**
 * `wxopen fake-wechat`: runs the fake WeChat API server of `@wxopen/testing` on its own, on a port of your
 * choice, until SIGINT or SIGTERM — point an example at it with `WECHAT_API_BASE` to try the credential chain
 * on one machine. The fake listens on an ephemeral loopback port; a small HTTP forwarder serves it on
 * `--host`/`--port` and logs each call by method and path (never its query, which holds tokens).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeWechat } from '../../fake-wechat';
import type { Command } from '../args';
import { atMost, integerOption, parseCommand } from '../args';
import { COMPONENT_APPID, COMPONENT_SECRET, credential } from '../credentials';
import { CliError, EXIT_OK } from '../errors';
import type { Io } from '../io';
import { networkReason } from '../network';

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'component-appid': { type: 'string' },
  'component-secret': { type: 'string' },
  ticket: { type: 'string', multiple: true },
  authorizer: { type: 'string', multiple: true },
  'expires-in': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** Forwards every request to `upstream` unchanged and logs `METHOD /path → status`. */
function forwarder(upstream: URL, io: Io, quiet: boolean): http.Server {
  return http.createServer((incoming, outgoing) => {
    const path = new URL(incoming.url ?? '/', 'http://fake').pathname;
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        if (!quiet) io.out(`${incoming.method ?? 'GET'} ${path} → ${answer.statusCode ?? 502}`);
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end('fake WeChat unavailable');
    });
    incoming.pipe(forward);
  });
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new CliError(`fake-wechat: cannot listen on ${host}:${port}: ${networkReason(error)}`)));
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const fakeWechat: Command = {
  name: 'fake-wechat',
  summary: 'run the fake WeChat API server alone (for WECHAT_API_BASE), until Ctrl-C',
  help: `usage: wxopen fake-wechat [--port <port>] [--host <host>] [options]

Runs the fake WeChat API server of @wxopen/testing (component token, pre-auth codes, api_query_auth, authorizer
tokens, …) until SIGINT or SIGTERM, and prints its URL. Point a platform at it:
  WECHAT_API_BASE=http://127.0.0.1:<port> npm start

Options:
  --port <port>             port to listen on (default 0: any free port, printed)
  --host <host>             address to listen on (default 127.0.0.1)
  --component-appid <wx…>   the component appid the fake accepts (default: WECHAT_COMPONENT_APPID, else the
                            fake's own)
  --component-secret <s>    the AppSecret it accepts (default: WECHAT_COMPONENT_SECRET, else the fake's own)
  --ticket <ticket>         a verify ticket it accepts from the start (repeatable); push the same one to the
                            platform with \`wxopen push ticket --field ComponentVerifyTicket=<ticket>\`
  --authorizer <appid>      an authorizer that has already authorized the component (repeatable)
  --expires-in <s>          expires_in of the tokens it issues (default 7200)
  --quiet                   do not log each call
  -h, --help`,
  async run(argv, io) {
    const { values, positionals } = parseCommand('fake-wechat', argv, OPTIONS);
    atMost('fake-wechat', positionals, 0);
    const port = integerOption('fake-wechat', 'port', values.port, 0, 0, 65_535);
    const host = values.host ?? '127.0.0.1';
    const expiresIn = integerOption('fake-wechat', 'expires-in', values['expires-in'], 7200, 1, 86_400 * 30);
    const appId = credential(COMPONENT_APPID, values['component-appid'], io.env);
    const secret = credential(COMPONENT_SECRET, values['component-secret'], io.env);

    const fake = await startFakeWechat({
      ...(appId ? { componentAppId: appId.value } : {}),
      ...(secret ? { componentAppSecret: secret.value } : {}),
      tickets: values.ticket ?? [],
      expiresIn,
    });
    for (const authorizer of values.authorizer ?? []) fake.addAuthorizer(authorizer);
    const server = forwarder(new URL(fake.url), io, values.quiet === true);
    let bound: number;
    try {
      bound = await listen(server, port, host);
    } catch (error) {
      await fake.close();
      throw error;
    }
    // Listening for the signals before the URL is printed: whoever reads the URL may stop the fake at once.
    const stopped = untilSignal();
    const shownHost = host.includes(':') ? `[${host}]` : host;
    io.out(`fake WeChat listening on http://${shownHost}:${bound}`);
    io.out(`  component appid ${fake.componentAppId}; AppSecret ${secret ? `from ${secret.from}` : 'the fake\'s default'}`);
    io.out(`  ${values.ticket?.length ?? 0} verify ticket(s) and ${values.authorizer?.length ?? 0} authorizer(s) preset`);
    io.out(`  point a platform at it: WECHAT_API_BASE=http://${shownHost}:${bound}`);

    const signal = await stopped;
    io.out(`fake WeChat: ${signal} received, stopping`);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await fake.close();
    return EXIT_OK;
  },
};
