/**
 * The identity of a push across WeChat's retries is its exact plaintext. Walked over every kind of the spec tables:
 * two pushes that differ in any one field are both run (distinct pushes are never merged), and the same plaintext
 * re-encrypted with a new nonce, timestamp and random prefix is run once (a retry is never run twice).
 */
import { randomBytes } from 'node:crypto';
import type { XmlInput } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator } from '@wxopen/testing';
import { EVENT_SPECS } from '../../src/messages/events';
import { INFO_SPECS } from '../../src/messages/info';
import { ORDINARY_SPECS } from '../../src/messages/ordinary';
import type { FieldSpec, Spec } from '../../src/messages/schema';

const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);
const ROUTE = 'wx00000000000000c1';

type Sample = { [field: string]: string | number | Sample | Sample[] | string[] };

/** A value for every field of `spec` (lists with one item), with the fixed fields given. */
function sample(spec: Spec, fixed: Readonly<Record<string, string | number>> = {}): Sample {
  const out: Sample = {};
  for (const [name, field] of Object.entries(spec)) out[name] = fixed[name] ?? valueOf(field as FieldSpec, name);
  return out;
}

function valueOf(field: FieldSpec, name: string): Sample[string] {
  if (field === 'string' || field === 'string?') return `${name}-value`;
  if (field === 'number') return 1_700_000_000;
  if ('list' in field) return field.list === 'string' ? [`${name}-item`] : [sample(field.list)];
  return sample(field.record);
}

/** Every leaf path of a sample (`['SendPicsInfo', 'PicList', 'item', 0, 'PicMd5Sum']`), except the kind fields. */
function leaves(value: Sample[string], path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string' || typeof value === 'number') return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  return Object.entries(value).flatMap(([name, child]) => leaves(child, [...path, name]));
}

/** A deep copy of `sample` with the leaf at `path` changed. */
function changed(value: Sample, path: (string | number)[]): Sample {
  const copy = JSON.parse(JSON.stringify(value)) as Sample;
  let node: unknown = copy;
  for (const step of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[step];
  const last = path[path.length - 1] as string | number;
  const holder = node as Record<string | number, unknown>;
  holder[last] = typeof holder[last] === 'number' ? (holder[last] as number) + 1 : `${String(holder[last])}-other`;
  return copy;
}

const KIND_FIELDS = new Set(['MsgType', 'Event', 'InfoType']);

interface Kind {
  readonly name: string;
  readonly spec: Spec;
  readonly fixed: Readonly<Record<string, string | number>>;
  readonly endpoint: 'auth' | 'message';
}

const KINDS: Kind[] = [
  ...Object.entries(ORDINARY_SPECS).map(([msgType, spec]): Kind => ({ name: `message ${msgType}`, spec, fixed: { MsgType: msgType }, endpoint: 'message' })),
  ...Object.entries(EVENT_SPECS).map(([event, spec]): Kind => ({ name: `event ${event}`, spec, fixed: { MsgType: 'event', Event: event }, endpoint: 'message' })),
  ...Object.entries(INFO_SPECS).map(([infoType, spec]): Kind => ({
    name: `component push ${infoType}`,
    spec,
    fixed: { InfoType: infoType, AppId: secrets.appId },
    endpoint: 'auth',
  })),
];

function platformCounting(): { platform: AuthServer; runs: string[] } {
  const runs: string[] = [];
  // No AppSecret: the platform's own effects (keeping tickets, exchanging codes) are not what is counted here.
  const { appId, token, encodingAESKey } = secrets;
  const platform = new AuthServer({ appId, token, encodingAESKey, maxClockSkewSeconds: 0, onError: (e) => runs.push(`error ${e.code}`), releaseTest: false });
  platform.messages.onDefault((message) => void runs.push(JSON.stringify(message)));
  platform.onUnknownInfo((info) => void runs.push(JSON.stringify(info)));
  for (const infoType of Object.keys(INFO_SPECS)) {
    platform.onInfo(infoType as keyof typeof INFO_SPECS, (info) => void runs.push(JSON.stringify(info)));
  }
  return { platform, runs };
}

async function deliver(platform: AuthServer, kind: Kind, message: XmlInput): Promise<string> {
  const options = { random: randomBytes(16), timestamp: 1_700_000_000 + Math.floor(Math.random() * 1000) };
  const push = kind.endpoint === 'auth' ? wechat.component(message, options) : wechat.encrypted(message, options);
  const request = { method: 'POST', query: push.query, body: push.body, authorizerAppId: ROUTE };
  const res = kind.endpoint === 'auth' ? await platform.handleAuthEvent(request) : await platform.handleMessage(request);
  return `${res.status} ${res.body}`;
}

beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined); // "no appSecret" notices of component pushes
});
afterAll(() => jest.restoreAllMocks());

describe.each(KINDS.map((kind) => [kind.name, kind] as const))('the identity of a %s', (_name, kind) => {
  const base = sample(kind.spec, kind.fixed);
  const paths = leaves(base).filter((path) => !(path.length === 1 && KIND_FIELDS.has(String(path[0]))));

  it('runs the same plaintext once, however often it is re-encrypted', async () => {
    const { platform, runs } = platformCounting();
    for (let i = 0; i < 3; i++) expect(await deliver(platform, kind, base as XmlInput)).toMatch(/^200 /);
    expect(runs).toHaveLength(1);
  });

  it(`runs two pushes that differ in any one of its ${paths.length} fields`, async () => {
    const { platform, runs } = platformCounting();
    await deliver(platform, kind, base as XmlInput);
    for (const path of paths) await deliver(platform, kind, changed(base, path) as XmlInput);
    expect(runs.filter((r) => r.startsWith('error'))).toEqual([]);
    expect(runs).toHaveLength(1 + paths.length);
  });
});

test('the walk covers every kind of the spec tables', () => {
  expect(KINDS.length).toBe(Object.keys(ORDINARY_SPECS).length + Object.keys(EVENT_SPECS).length + Object.keys(INFO_SPECS).length);
  expect(KINDS.length).toBeGreaterThan(60);
});
