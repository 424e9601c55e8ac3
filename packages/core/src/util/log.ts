/**
 * Untrusted values in log lines and error details: quoted, with every control character escaped (so a value can
 * never start a forged log line), and cut to a length.
 */

/** `value` as a double-quoted string with control and non-ASCII-space characters escaped, at most `max` characters. */
export function quote(value: unknown, max = 64): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  // JSON escapes quotes, backslashes and C0 controls; the rest of the line breakers are escaped by hand.
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A message from elsewhere (a cause's), on one line and cut to `max` characters, unquoted. */
export function oneLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a log line
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
