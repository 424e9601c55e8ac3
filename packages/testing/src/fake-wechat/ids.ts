/** Random identifiers in WeChat's shapes. */
import { randomBytes } from 'node:crypto';

export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

/** A `rid` as WeChat appends to every error message. */
export function rid(): string {
  const part = () => randomBytes(4).toString('hex');
  return `${part()}-${part()}-${part()}`;
}
