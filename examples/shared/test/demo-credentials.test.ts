import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, demoCredentialsFile, loadDemoCredentials } from '@wxopen/example-shared';
import { WechatSimulator } from '@wxopen/testing';

describe('demo credentials', () => {
  let directory: string;
  let file: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'wxopen-demo-'));
    file = path.join(directory, 'nested', 'demo-credentials.json');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  test('live in demo-credentials.json beside the state file', () => {
    expect(demoCredentialsFile('.wxopen/state.json')).toBe(path.join('.wxopen', 'demo-credentials.json'));
  });

  test('are generated once, saved with mode 0600 (creating the directory), and read back afterwards', () => {
    let generated = 0;
    const generate = () => {
      generated += 1;
      return WechatSimulator.generateSecrets();
    };
    const first = loadDemoCredentials(file, generate);
    const second = loadDemoCredentials(file, generate);
    expect(first.created).toBe(true);
    expect(second).toEqual({ credentials: first.credentials, created: false });
    expect(generated).toBe(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first.credentials);
    expect(readdirSync(path.dirname(file))).toEqual(['demo-credentials.json']); // no temporary file left behind
  });

  test('already saved by another process are used instead of the ones just generated', () => {
    const theirs = WechatSimulator.generateSecrets();
    // The other process saves its credentials between our read (nothing yet) and our link.
    const result = loadDemoCredentials(file, () => {
      writeFileSync(file, JSON.stringify(theirs));
      return WechatSimulator.generateSecrets();
    });
    expect(result).toEqual({ credentials: theirs, created: false });
  });

  test.each([
    ['not JSON', 'token=s3cr3t'],
    ['a JSON value that is not an object', '"s3cr3t"'],
    ['a missing token', JSON.stringify({ appId: 'wx1', appSecret: 's3cr3t', encodingAESKey: 'a'.repeat(43) })],
    ['a key that is not 43 characters', JSON.stringify({ appId: 'wx1', appSecret: 's', token: 't', encodingAESKey: 's3cr3t' })],
  ])('in a file holding %s are refused with a ConfigError that says to delete it, quoting nothing of it', (_case, text) => {
    loadDemoCredentials(file); // creates the directory
    writeFileSync(file, text);
    let error: unknown;
    try {
      loadDemoCredentials(file);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/does not hold demo credentials .*: delete it to generate new ones$/);
    expect((error as Error).message).not.toContain('s3cr3t');
    expect(readFileSync(file, 'utf8')).toBe(text); // left as it was
  });
});
