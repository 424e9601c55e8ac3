import { MemoryStore } from '../../src/store/memory';
import { OAUTH_STATE_MAX_DATA, OAuthStateSigner } from '../../src/credentials/oauth-state';

const SECRET = 'component-app-secret-0123456789';
const APP = 'wxofficialacct00001';

function clock() {
  let now = 1_700_000_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('OAuthStateSigner', () => {
  it('signs a state WeChat accepts (A-Z a-z 0-9, at most 128 bytes) that verifies and carries the data', () => {
    const signer = new OAuthStateSigner({ secret: SECRET });
    const data = 'x'.repeat(OAUTH_STATE_MAX_DATA);
    const state = signer.sign(APP, data);
    expect(state).toMatch(/^[A-Za-z0-9]+$/);
    expect(Buffer.byteLength(state)).toBeLessThanOrEqual(128);
    expect(signer.verify(APP, state).data).toBe(data);
  });

  it('gives a different state each time', () => {
    const signer = new OAuthStateSigner({ secret: SECRET });
    expect(signer.sign(APP)).not.toBe(signer.sign(APP));
  });

  it.each([
    ['a changed character of the MAC', (s: string) => s.slice(0, 30) + (s[30] === 'a' ? 'b' : 'a') + s.slice(31)],
    ['changed data', (s: string) => `${s}X`],
    ['a pushed-back expiry', (s: string) => `w1ffffffff${s.slice(10)}`],
  ])('refuses %s with ERR_QUERY (signature)', (_what, tamper) => {
    const signer = new OAuthStateSigner({ secret: SECRET });
    expect(() => signer.verify(APP, tamper(signer.sign(APP, 'data')))).toThrow(expect.objectContaining({ code: 'ERR_QUERY', detail: 'oauth state signature does not verify' }));
  });

  it('refuses a state made for another authorizer, or by another secret', () => {
    const state = new OAuthStateSigner({ secret: SECRET }).sign(APP);
    expect(() => new OAuthStateSigner({ secret: SECRET }).verify('wxanother0000000001', state)).toThrow(/signature/);
    expect(() => new OAuthStateSigner({ secret: `${SECRET}!` }).verify(APP, state)).toThrow(/signature/);
  });

  it('refuses a state after its lifetime', () => {
    const time = clock();
    const signer = new OAuthStateSigner({ secret: SECRET, ttlMs: 60_000, now: time.now });
    const state = signer.sign(APP);
    time.advance(59_000);
    expect(signer.verify(APP, state).data).toBe('');
    time.advance(2_000);
    expect(() => signer.verify(APP, state)).toThrow(expect.objectContaining({ detail: 'oauth state has expired' }));
  });

  it.each([undefined, '', 'abc', 'w1' + 'g'.repeat(52), 42])('refuses the malformed state %p', (state) => {
    expect(() => new OAuthStateSigner({ secret: SECRET }).verify(APP, state)).toThrow(expect.objectContaining({ detail: 'oauth state is malformed' }));
  });

  it('with a store, accepts each state once', async () => {
    const store = new MemoryStore();
    const signer = new OAuthStateSigner({ secret: SECRET, store, componentAppId: 'wxcomponent' });
    const state = signer.sign(APP, 'once');
    expect((await signer.consume(APP, state)).data).toBe('once');
    await expect(signer.consume(APP, state)).rejects.toMatchObject({ code: 'ERR_QUERY', detail: 'oauth state was already used' });
    await store.close();
  });

  it.each([
    ['a short secret', { secret: 'short' }, /secret/],
    ['a store without componentAppId', { secret: SECRET, store: new MemoryStore() }, /componentAppId/],
    ['a ttl under a second', { secret: SECRET, ttlMs: 10 }, /ttlMs/],
  ])('refuses %s with a TypeError naming the option', (_what, options, message) => {
    expect(() => new OAuthStateSigner(options)).toThrow(message);
  });

  it('refuses data WeChat would not echo', () => {
    const signer = new OAuthStateSigner({ secret: SECRET });
    expect(() => signer.sign(APP, 'a b')).toThrow(/data/);
    expect(() => signer.sign(APP, 'a'.repeat(OAUTH_STATE_MAX_DATA + 1))).toThrow(/data/);
  });

  it('never puts the secret in the state', () => {
    const state = new OAuthStateSigner({ secret: SECRET }).sign(APP, 'x');
    expect(state).not.toContain(SECRET);
  });
});
