import { ConfigError, loadConfig } from '@wxopen/example-shared';

const FULL = {
  WECHAT_COMPONENT_APPID: 'wx0123456789abcdef',
  WECHAT_COMPONENT_SECRET: 'secret',
  WECHAT_TOKEN: 'token',
  WECHAT_AES_KEY: 'a'.repeat(43),
};

describe('example configuration', () => {
  test('defaults to 127.0.0.1:3000, the public API base and the core clock skew, with generated demo credentials', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', apiBase: 'https://api.weixin.qq.com', maxClockSkewSeconds: undefined, demo: true });
    expect(config.credentials.appId).toMatch(/^wx[0-9a-f]{16}$/);
    expect(config.credentials.encodingAESKey).toHaveLength(43);
    expect(loadConfig({}).credentials.token).not.toBe(config.credentials.token);
  });

  test('uses the four credentials when all are set', () => {
    const config = loadConfig({ ...FULL, PORT: '8080', HOST: '0.0.0.0', WXOPEN_MAX_CLOCK_SKEW: '0', WECHAT_API_BASE: 'http://127.0.0.1:9000' });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      maxClockSkewSeconds: 0,
      apiBase: 'http://127.0.0.1:9000',
      demo: false,
      credentials: { appId: FULL.WECHAT_COMPONENT_APPID, appSecret: 'secret', token: 'token', encodingAESKey: FULL.WECHAT_AES_KEY },
    });
  });

  test('names exactly the missing credentials when only some are set (an empty value counts as missing)', () => {
    expect(() => loadConfig({ WECHAT_TOKEN: 'token', WECHAT_COMPONENT_SECRET: ' ' })).toThrow(
      new ConfigError(
        'missing WECHAT_COMPONENT_APPID, WECHAT_COMPONENT_SECRET, WECHAT_AES_KEY. Set all of WECHAT_COMPONENT_APPID, ' +
          'WECHAT_COMPONENT_SECRET, WECHAT_TOKEN, WECHAT_AES_KEY for a real platform, or none of them to run with ' +
          'generated local demo credentials.',
      ),
    );
  });

  test.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['WXOPEN_MAX_CLOCK_SKEW', '-1'],
    ['WECHAT_API_BASE', 'api.weixin.qq.com'],
  ])('refuses a malformed %s (%s), naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} must`));
  });

  test('accepts REDIS_URL and WXOPEN_STATE_FILE (not used yet)', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', WXOPEN_STATE_FILE: '/tmp/state.json' })).not.toThrow();
  });
});
