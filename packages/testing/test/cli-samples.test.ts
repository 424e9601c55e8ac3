import { isKnownInfo, isKnownMessage, parseXml, toInfo, toMessage } from '@wxopen/core';
import type { XmlInput, XmlRecord } from '@wxopen/core';
import { EVENT_SPECS, INFO_SPECS, ORDINARY_SPECS } from '@wxopen/core/specs';
import type { FieldSpec, Spec } from '@wxopen/core/specs';
import { buildXml } from '@wxopen/core';
import { UsageError } from '../src/cli/errors';
import { allKinds, masked, parseFieldOption, resolveKind, samplePush } from '../src/cli/samples';
import type { Kind } from '../src/cli/samples';

const context = { componentAppId: 'wx00000000000c0000', authorizerAppId: 'wx00000000000a0000', to: 'gh_abc', from: 'o_user', now: 1_700_000_000 };

/** The pushed record, as the platform reads it. */
const roundTrip = (message: XmlInput): XmlRecord => parseXml(buildXml(message));

/** Every required field of `spec` (dotted paths, lists entered at their first item) that is missing or empty. */
function missingRequired(value: unknown, spec: Spec, path = ''): string[] {
  const record = (value ?? {}) as Record<string, unknown>;
  const missing: string[] = [];
  for (const [name, field] of Object.entries(spec) as [string, FieldSpec][]) {
    const at = path === '' ? name : `${path}.${name}`;
    const v = record[name];
    if (field === 'string' || field === 'number') {
      if (v === undefined || v === '' || v === 0) missing.push(at);
    } else if (typeof field === 'object' && !field.optional) {
      if ('list' in field) {
        if (!Array.isArray(v) || v.length === 0) missing.push(at);
        else if (field.list !== 'string') missing.push(...missingRequired(v[0], field.list, at));
      } else {
        missing.push(...missingRequired(v, field.record, at));
      }
    }
  }
  return missing;
}

describe('push samples', () => {
  test('cover every MsgType, Event and InfoType the core knows', () => {
    const names = (family: Kind['family']) => allKinds().filter((k) => k.family === family).map((k) => k.name);
    expect(names('message')).toEqual(Object.keys(ORDINARY_SPECS));
    expect(names('event')).toEqual(Object.keys(EVENT_SPECS));
    expect(names('info')).toEqual(Object.keys(INFO_SPECS));
  });

  test.each(allKinds().map((k) => [`${k.family} ${k.name}`, k] as const))('%s: the sample reads back as that kind with every required field set', (_, kind) => {
    const record = roundTrip(samplePush(kind, context));
    if (kind.family === 'info') {
      const info = toInfo(record);
      expect(isKnownInfo(info)).toBe(true);
      expect(info).toMatchObject({ InfoType: kind.name, AppId: context.componentAppId, CreateTime: context.now });
      expect(missingRequired(info, kind.spec)).toEqual([]);
    } else {
      const message = toMessage(record);
      expect(isKnownMessage(message)).toBe(true);
      expect(message).toMatchObject({ ToUserName: 'gh_abc', FromUserName: 'o_user', CreateTime: context.now });
      expect(kind.family === 'event' ? (message as { Event?: string }).Event : message.MsgType).toBe(kind.name);
      expect(missingRequired(message, kind.spec)).toEqual([]);
    }
  });

  test('fields that matter to a platform get meaningful values', () => {
    const kind = (words: string[]) => resolveKind(words).kind;
    expect(samplePush(kind(['authorized']), context)).toMatchObject({
      AuthorizerAppid: context.authorizerAppId,
      AuthorizationCode: expect.stringMatching(/^queryauthcode@@@.{20,}/),
      AuthorizationCodeExpiredTime: String(context.now + 3600),
    });
    expect(samplePush(kind(['ticket']), context)).toMatchObject({ ComponentVerifyTicket: expect.stringMatching(/^ticket@@@/) });
    const a = samplePush(kind(['text']), context);
    const b = samplePush(kind(['text']), context);
    expect(a['MsgId']).not.toEqual(b['MsgId']);
  });

  test('--field sets top-level, nested and list fields, and numbers as numbers', () => {
    const fields = ['Content=a=b', 'CreateTime=42', 'Extra=kept'].map(parseFieldOption);
    expect(samplePush(resolveKind(['text']).kind, context, fields)).toMatchObject({ Content: 'a=b', CreateTime: 42, Extra: 'kept' });
    const pics = samplePush(resolveKind(['pic_weixin']).kind, context, [parseFieldOption('SendPicsInfo.PicList.item.PicMd5Sum=abc')]);
    expect(toMessage(roundTrip(pics))).toMatchObject({ SendPicsInfo: { PicList: { item: [{ PicMd5Sum: 'abc' }] } } });
    const optional = samplePush(resolveKind(['notify_3rd_wxa_auth']).kind, context, [parseFieldOption('dispatch_info.provider=p')]);
    expect(optional).toMatchObject({ dispatch_info: { provider: 'p' } });
    expect(() => samplePush(resolveKind(['text']).kind, context, [parseFieldOption('CreateTime=soon')])).toThrow(UsageError);
    expect(() => parseFieldOption('no-equals')).toThrow(/Name=value/);
    expect(() => parseFieldOption('=value')).toThrow(UsageError);
  });

  test('kinds resolve by name, by family, and refuse an ambiguous or unknown name', () => {
    expect(resolveKind(['location']).kind).toMatchObject({ family: 'message', name: 'location' });
    expect(resolveKind(['LOCATION']).kind).toMatchObject({ family: 'event', name: 'LOCATION' });
    expect(resolveKind(['event', 'CLICK', 'key'])).toMatchObject({ kind: { family: 'event' }, rest: ['key'] });
    expect(resolveKind(['ticket']).kind.name).toBe('component_verify_ticket');
    expect(() => resolveKind(['wxa_nickname_audit'])).toThrow(/is the name of 2 kinds/);
    expect(() => resolveKind(['event', 'text'])).toThrow(/unknown kind "text"/);
    expect(() => resolveKind([])).toThrow(/say what to push/);
  });

  test('masking hides every credential field, however deep', () => {
    const shown = masked({ AuthorizationCode: 'c1', info: { auth_code: 'c2' }, list: [{ ComponentVerifyTicket: 't' }], Content: 'visible' });
    expect(JSON.stringify(shown)).not.toMatch(/c1|c2|"t"/);
    expect(shown).toMatchObject({ Content: 'visible', AuthorizationCode: '***' });
  });
});
