import { infoDeliveryKey, messageDeliveryKey } from '@wxopen/core';

describe('delivery keys', () => {
  test('a message is identified by authorizer and MsgId, in plain text under the component hash tag', () => {
    expect(messageDeliveryKey('wxcomp', 'wx_auth', { MsgId: '6452475260636675311' })).toBe('{wxcomp}:dedup:m:wx_auth:6452475260636675311');
  });

  test('without an authorizer appid, the message’s ToUserName stands for it', () => {
    expect(messageDeliveryKey('wxcomp', undefined, { ToUserName: 'gh_1', MsgId: '1' })).toBe('{wxcomp}:dedup:m:gh_1:1');
  });

  test('parts that are not plain are hashed, and never meet a plain key', () => {
    const hashed = messageDeliveryKey('wxcomp', 'wx:auth', { MsgId: '1' });
    expect(hashed).toMatch(/^\{wxcomp\}:dedup:m#[A-Za-z0-9_-]{27}$/);
    expect(hashed).not.toBe(messageDeliveryKey('wxcomp', 'wx', { MsgId: 'auth:1' }));
    expect(messageDeliveryKey('wxcomp', 'wx', { MsgId: 'auth:1' })).not.toBe(messageDeliveryKey('wxcomp', 'wx:auth', { MsgId: '1' }));
  });

  test('events differ by user, time, event and key; an empty EventKey stays plain', () => {
    const event = { ToUserName: 'gh', FromUserName: 'o1', CreateTime: 1700000000, MsgType: 'event', Event: 'subscribe', EventKey: '' };
    const key = messageDeliveryKey('wxcomp', 'wx_auth', event);
    expect(key).toBe('{wxcomp}:dedup:e:wx_auth:o1:1700000000:event:subscribe:');
    expect(messageDeliveryKey('wxcomp', 'wx_auth', { ...event, CreateTime: 1700000001 })).not.toBe(key);
    expect(messageDeliveryKey('wxcomp', 'wx_auth', { ...event, EventKey: 'qrscene_1' })).not.toBe(key);
    expect(messageDeliveryKey('wxcomp', 'wx_auth', { ...event, EventKey: '菜单 1' })).toMatch(/^\{wxcomp\}:dedup:e#/);
  });

  test('a part longer than 64 characters is hashed, so keys stay short', () => {
    expect(messageDeliveryKey('wxcomp', 'a'.repeat(65), { MsgId: '1' })).toMatch(/^\{wxcomp\}:dedup:m#/);
  });

  test('component pushes are identified by InfoType, AppId, CreateTime and their subject', () => {
    const info = { InfoType: 'unauthorized', AppId: 'wxcomp', CreateTime: 1700000000, AuthorizerAppid: 'wx_x' };
    expect(infoDeliveryKey('wxcomp', info)).toBe('{wxcomp}:dedup:i:unauthorized:wxcomp:1700000000:wx_x');
    const ticket = { InfoType: 'component_verify_ticket', AppId: 'wxcomp', CreateTime: 1, ComponentVerifyTicket: 'ticket@@@abc' };
    expect(infoDeliveryKey('wxcomp', ticket)).toMatch(/^\{wxcomp\}:dedup:i#/);
  });
});
