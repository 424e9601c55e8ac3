import { credentialKeys } from '../../src/credentials/keys';

describe('credentialKeys', () => {
  const keys = credentialKeys('wxcomponent1');
  const all = [
    keys.ticket,
    keys.previousTicket,
    keys.componentToken,
    keys.componentTokenLock,
    keys.authorizerRefreshToken('wxa'),
    keys.authorizerAccessToken('wxa'),
    keys.authorizerTokenLock('wxa'),
  ];

  it('puts every key and lock name of a component under the same Redis hash tag', () => {
    for (const key of all) expect(/\{([^}]*)\}/.exec(key)?.[1]).toBe('wxcomponent1');
  });

  it('gives every credential its own key', () => {
    expect(new Set(all).size).toBe(all.length);
    expect(keys.authorizerAccessToken('wxa')).not.toBe(keys.authorizerAccessToken('wxb'));
  });

  it('uses the documented layout', () => {
    expect(keys.ticket).toBe('{wxcomponent1}:ticket');
    expect(keys.previousTicket).toBe('{wxcomponent1}:ticket:previous');
    expect(keys.componentToken).toBe('{wxcomponent1}:component_token');
    expect(keys.authorizerRefreshToken('wxa')).toBe('{wxcomponent1}:authorizer:wxa:refresh_token');
    expect(keys.authorizerAccessToken('wxa')).toBe('{wxcomponent1}:authorizer:wxa:access_token');
  });
});
