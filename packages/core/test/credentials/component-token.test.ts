import { ComponentCredentials } from '../../src/credentials/component';
import { cacheTtlMs } from '../../src/credentials/token-cache';
import { MemoryStore } from '../../src/store/memory';
import { describeComponentTokenRules } from './component-token.rules';
import { fileStore, memoryStore } from './setup';

// The same rules on Redis: component-token.int.test.ts.
describeComponentTokenRules(memoryStore);
describeComponentTokenRules(fileStore);

describe('options', () => {
  it('rejects missing appId, appSecret or store with a TypeError naming the option', () => {
    const store = new MemoryStore();
    expect(() => new ComponentCredentials({ appId: '', appSecret: 's', store })).toThrow(/`appId`/);
    expect(() => new ComponentCredentials({ appId: 'wx1', appSecret: '', store })).toThrow(/`appSecret`/);
    expect(() => new ComponentCredentials({ appId: 'wx1', appSecret: 's', store: {} as MemoryStore })).toThrow(/`store`/);
    expect(() => new ComponentCredentials({ appId: 'wx1', appSecret: 's', store, refreshBeforeMs: -5 })).toThrow(/`refreshBeforeMs`/);
    void store.close();
  });

  it('applies the Go SDK safety margins to expires_in', () => {
    expect(cacheTtlMs(7200)).toBe(6600_000);
    expect(cacheTtlMs(3000)).toBe(2700_000);
    expect(cacheTtlMs(600)).toBe(540_000);
    expect(cacheTtlMs(120)).toBe(110_000);
    expect(cacheTtlMs(30)).toBe(15_000);
  });
});
