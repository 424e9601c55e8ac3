/**
 * `wxopen push <kind>`: plays WeChat against a running platform. Builds a sample push of any kind the core
 * knows (every `MsgType`, `Event` and `InfoType`), seals it with the platform's credentials, POSTs it to the
 * message URL (`<url>/callback/<appid>`) or the authorization-event URL (`<url>/auth`), and prints the answer
 * — a reply is opened (signature checked, decrypted) before it is shown.
 */
import { buildXml } from '@wxopen/core';
import type { PushFormat, XmlInput } from '@wxopen/core';
import { WechatSimulator } from '../../callback';
import type { Command } from '../args';
import { atMost, integerOption, parseCommand } from '../args';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credential, COMPONENT_APPID, platformSecrets } from '../credentials';
import { CliError, EXIT_FAILED, EXIT_OK, UsageError } from '../errors';
import type { Io } from '../io';
import { httpUrl, request } from '../network';
import { DEMO_AUTHORIZER, routeHint } from '../route';
import type { Kind } from '../samples';
import { allKinds, masked, parseFieldOption, resolveKind, samplePush, valueField } from '../samples';

const DEFAULTS = {
  url: 'http://127.0.0.1:3000/wechat',
  appid: DEMO_AUTHORIZER,
  to: 'gh_0000000000',
  from: 'o_simulated_user',
};

const OPTIONS = {
  url: { type: 'string' },
  appid: { type: 'string' },
  to: { type: 'string' },
  from: { type: 'string' },
  field: { type: 'string', multiple: true },
  format: { type: 'string' },
  plain: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  list: { type: 'boolean' },
  timeout: { type: 'string' },
  ...CREDENTIAL_OPTIONS,
} as const;

const FAMILY_TITLES = {
  message: 'Messages (MsgType), to <url>/callback/<appid>:',
  event: 'Events (MsgType event), to <url>/callback/<appid>:',
  info: 'Component pushes (InfoType), to <url>/auth:',
} as const;

function printList(io: Io): void {
  const kinds = allKinds();
  for (const family of ['message', 'event', 'info'] as const) {
    io.out(FAMILY_TITLES[family]);
    const names = kinds.filter((k) => k.family === family).map((k) => k.name);
    for (let i = 0; i < names.length; i += 4) io.out(`  ${names.slice(i, i + 4).join('  ')}`);
  }
}

function formatOf(raw: string | undefined): PushFormat {
  if (raw === undefined || raw === 'xml') return 'xml';
  if (raw === 'json') return 'json';
  throw new UsageError(`push: --format must be xml or json, got "${raw}"`);
}

function describe(kind: Kind, format: PushFormat, plain: boolean): string {
  const what = kind.family === 'event' ? `event ${kind.name}` : kind.family === 'info' ? `InfoType ${kind.name}` : kind.name;
  return `${what}, ${plain ? 'plain' : 'encrypted'} ${format.toUpperCase()}`;
}

function show(message: XmlInput, format: PushFormat): string {
  const visible = masked(message);
  return format === 'json' ? JSON.stringify(visible, null, 2) : buildXml(visible);
}

export const push: Command = {
  name: 'push',
  summary: 'send any message, event or component push to a running platform and print its reply',
  help: `usage: wxopen push <kind> [value] [options]
       wxopen push --list

Builds the push WeChat would send for <kind>, seals it with the platform's credentials, POSTs it to the running
platform and prints the HTTP status and the reply (signature verified and decrypted). Exit code 0 on a 2xx
answer, 1 otherwise or when the platform cannot be reached.

<kind> is any MsgType (text, image, …), Event (subscribe, CLICK, …) or InfoType (component_verify_ticket,
authorized, unauthorized, …) — see --list. When a name belongs to two families say which: \`event <Event>\`,
\`info <InfoType>\`, \`message <MsgType>\`. \`ticket\` is short for component_verify_ticket.
[value] is the Content of a text message or the EventKey of an event:
  wxopen push text hello
  wxopen push event CLICK menu_1
  wxopen push ticket
  wxopen push authorized --appid wx1234567890abcdef
  wxopen push weapp_audit_fail --field Reason="name not allowed"
  wxopen push text hi --format json

Every required field gets a sample value, optional fields are left out; --field sets any of them.

Options:
  --url <url>          the platform's base URL (default ${DEFAULTS.url}); messages and events go to
                       <url>/callback/<appid>, component pushes to <url>/auth
  --appid <appid>      the authorizer: the route of messages and events, the AuthorizerAppid of component
                       pushes (default ${DEFAULTS.appid})
  --to <gh_…>          ToUserName, the authorizer's original id (default ${DEFAULTS.to})
  --from <openid>      FromUserName and the openid query parameter (default ${DEFAULTS.from})
  --field <Name=value> set a field (repeatable); Parent.Child reaches nested fields, e.g.
                       --field ScanCodeInfo.ScanResult=hello
  --format xml|json    XML (default) or JSON, as a mini program in JSON mode receives
  --plain              send unencrypted (plain mode, signature only) instead of encrypted
  --dry-run            print the push instead of sending it (credential fields masked)
  --timeout <s>        seconds to wait for the answer (default 10)
  --list               list every kind
  -h, --help

${CREDENTIAL_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parseCommand('push', argv, OPTIONS);
    if (values.list === true) {
      atMost('push', positionals, 0);
      printList(io);
      return EXIT_OK;
    }
    const { kind, rest } = resolveKind(positionals);
    const field = valueField(kind);
    if (rest.length > 0 && field === undefined) {
      throw new UsageError(`push: ${kind.name} takes no value argument ("${rest[0]}"); set fields with --field Name=value`);
    }
    atMost('push', rest, 1);
    const format = formatOf(values.format);
    const plain = values.plain === true;
    const fields = (values.field ?? []).map(parseFieldOption);
    if (field !== undefined && rest[0] !== undefined) fields.unshift([[field], rest[0]]);
    const base = httpUrl(values.url ?? DEFAULTS.url);
    if (base === undefined) throw new UsageError(`push: --url must be an http(s) URL, got "${values.url ?? ''}"`);
    const timeoutMs = integerOption('push', 'timeout', values.timeout, 10, 1, 600) * 1000;
    const authorizerAppId = values.appid ?? DEFAULTS.appid;
    const from = values.from ?? DEFAULTS.from;

    if (values['dry-run'] === true) {
      // A dry run needs no credentials: the component appid is shown when known.
      const componentAppId = credential(COMPONENT_APPID, values['component-appid'], io.env)?.value ?? 'wx_component_appid';
      const message = samplePush(kind, { componentAppId, authorizerAppId, to: values.to ?? DEFAULTS.to, from, now: Math.floor(Date.now() / 1000) }, fields);
      io.out(show(message, format));
      return EXIT_OK;
    }

    const secrets = platformSecrets('push', values, io.env);
    const message = samplePush(kind, { componentAppId: secrets.appId, authorizerAppId, to: values.to ?? DEFAULTS.to, from, now: Math.floor(Date.now() / 1000) }, fields);
    const wechat = new WechatSimulator(secrets);
    const root = base.toString().replace(/\/+$/, '');
    const target = kind.family === 'info' ? `${root}/auth` : `${root}/callback/${encodeURIComponent(authorizerAppId)}`;
    const options = kind.family === 'info' ? { format } : { format, openid: from };
    const sealed = plain ? wechat.plain(message, options) : kind.family === 'info' ? wechat.component(message, options) : wechat.encrypted(message, options);

    io.out(`POST ${target} (${describe(kind, format, plain)})`);
    const answer = await request(sealed.url(target), { method: 'POST', body: sealed.body, contentType: format === 'json' ? 'application/json' : 'text/xml', timeoutMs });
    io.out(`HTTP ${answer.status}`);
    const ok = answer.status >= 200 && answer.status < 300;
    if (ok && answer.text !== '' && answer.text !== 'success') {
      let opened;
      try {
        opened = wechat.openReply(answer.text);
      } catch (error) {
        throw new CliError(`push: the reply does not open with these credentials (${error instanceof Error ? error.message : String(error)})`);
      }
      io.out(`reply (${opened.encrypted ? 'encrypted, signature verified' : 'plain'}):`);
      io.out(opened.xml);
    } else {
      io.out(answer.text === '' ? '(empty body)' : answer.text);
    }
    const hint = kind.family === 'info' ? undefined : routeHint(authorizerAppId, answer.status);
    if (hint !== undefined) io.err(hint);
    return ok ? EXIT_OK : EXIT_FAILED;
  },
};
