/**
 * Just enough of the Redis protocol (RESP2) to drive a test server without a client library: one command on a
 * fresh loopback connection, one reply parsed (simple string, error, integer, bulk string, array).
 */
import { connect } from 'node:net';

/** A parsed reply. Errors reject instead. */
export type RespValue = string | number | null | readonly RespValue[];

/** The server answered with an error reply (`-ERR …`, `-LOADING …`). */
export class RespError extends Error {
  override readonly name = 'RespError';
}

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

type Parsed = { readonly value: RespValue | RespError; readonly end: number } | undefined;

/** Parses one reply starting at `start`; `undefined` while it is incomplete. */
function parse(buffer: Buffer, start: number): Parsed {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buffer[start] ?? 0);
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, at);
        if (item === undefined) return undefined;
        if (item.value instanceof RespError) return { value: item.value, end: item.end };
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      return { value: new RespError(`unexpected reply type ${JSON.stringify(type)}`), end: buffer.length };
  }
}

export interface RespCommandOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 2000. */
  readonly timeoutMs?: number;
  /** Sent with AUTH before the command, for a server started with `--requirepass`. */
  readonly password?: string;
}

/** Sends one command to `host:port` and resolves with its reply; rejects on an error reply, a socket error or `timeoutMs`. */
export function respCommand(port: number, args: readonly string[], options: RespCommandOptions = {}): Promise<RespValue> {
  const { host = '127.0.0.1', timeoutMs = 2_000, password } = options;
  const commands = password === undefined ? [args] : [['AUTH', password], args];
  return new Promise<RespValue>((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = connect({ host, port });
    const finish = (settle: () => void) => {
      socket.destroy();
      settle();
    };
    socket.setTimeout(timeoutMs, () => finish(() => reject(new Error(`${args[0] ?? 'command'} to ${host}:${port}: no reply in ${timeoutMs} ms`))));
    socket.on('error', (error) => finish(() => reject(error)));
    socket.on('close', () => finish(() => reject(new Error(`${args[0] ?? 'command'} to ${host}:${port}: connection closed before the reply`))));
    socket.on('connect', () => socket.write(commands.map(encode).join('')));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // One reply per command sent; the last one is the answer, an error before it fails the whole call.
      let at = 0;
      for (let i = 0; i < commands.length; i++) {
        const parsed = parse(received, at);
        if (parsed === undefined) return;
        const { value } = parsed;
        if (value instanceof RespError) return finish(() => reject(value));
        if (i === commands.length - 1) return finish(() => resolve(value));
        at = parsed.end;
      }
    });
  });
}
