import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WechatSimulator } from '@wxopen/testing';
import type { Credentials } from './config';
import { ConfigError } from './config';

/** Where the demo credentials live: `demo-credentials.json` next to the state file. */
export function demoCredentialsFile(stateFile: string): string {
  return path.join(path.dirname(stateFile), 'demo-credentials.json');
}

function parse(file: string, text: string): Credentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { appId, appSecret, token, encodingAESKey } = record;
  if (typeof appId !== 'string' || typeof appSecret !== 'string' || typeof token !== 'string' || typeof encodingAESKey !== 'string' || encodingAESKey.length !== 43) {
    throw new ConfigError(`${file} does not hold demo credentials (appId, appSecret, token, a 43-character encodingAESKey): delete it to generate new ones`);
  }
  return { appId, appSecret, token, encodingAESKey };
}

/** The credentials saved in `file`, or `undefined` when there is no such file. */
function read(file: string): Credentials | undefined {
  try {
    return parse(file, readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The local demo credentials kept in `file`: read when the file exists, else generated and saved there (mode
 * 0600, readable by this user only), so a restarted demo keeps its appid, token and key, and a simulator or an
 * authorization made against it goes on working. The file is written whole under a temporary name and then
 * linked into place, which fails if another process saved its credentials first: both then use those.
 */
export function loadDemoCredentials(file: string, generate: () => Credentials = () => WechatSimulator.generateSecrets()): { credentials: Credentials; created: boolean } {
  const saved = read(file);
  if (saved !== undefined) return { credentials: saved, created: false };
  mkdirSync(path.dirname(file), { recursive: true });
  const credentials = generate();
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { credentials: parse(file, readFileSync(file, 'utf8')), created: false };
  } finally {
    unlinkSync(temporary);
  }
  return { credentials, created: true };
}
