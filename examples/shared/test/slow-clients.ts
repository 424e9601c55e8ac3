/**
 * Clients that misbehave on purpose, over raw `net` sockets (an HTTP client library would time out, retry or
 * buffer on its own): one that trickles a body, one that connects and says nothing, one that keeps its
 * connection alive after a response, and one that sends a push in two halves. Each only counts and records what
 * happened; the server under test decides when the connection ends.
 */
import net from 'node:net';

/** How a connection ended, and what the server had sent on it by then. */
export interface Ended {
  /** Everything the server sent, as latin1 text. */
  readonly received: string;
}

/** A raw connection whose end is awaited. */
export interface RawConnection {
  readonly socket: net.Socket;
  /** Resolves when the connection is closed (by the server: these clients never close first). */
  readonly ended: Promise<Ended>;
  /** Whether the connection is closed. */
  isClosed(): boolean;
  /** What the server sent so far. */
  received(): string;
}

function connect(url: string): RawConnection {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let received = '';
  let closed = false;
  socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  // A reset is one way for the server to close; the 'close' that follows settles `ended`.
  socket.on('error', () => undefined);
  const ended = new Promise<Ended>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve({ received });
    }),
  );
  return { socket, ended, isClosed: () => closed, received: () => received };
}

/** A connection that sends nothing at all. */
export function silentConnection(url: string): RawConnection {
  return connect(url);
}

/** A connection that sends `GET path`, gets its response and then stays open, idle. */
export function keepAliveConnection(url: string, path: string): RawConnection {
  const connection = connect(url);
  connection.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  return connection;
}

/** Resolves once `connection` received a whole response head (`HTTP/1.1 <status> …\r\n\r\n`). */
export async function responseHead(connection: RawConnection, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!/\r\n\r\n/.test(connection.received())) {
    if (connection.isClosed() || Date.now() > deadline) throw new Error(`no response head arrived: ${JSON.stringify(connection.received())}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return connection.received();
}

/** A POST whose body, declared 1000 bytes long, is sent one byte every `intervalMs`, until the server closes. */
export interface TrickledUpload extends RawConnection {
  /** Body bytes written so far. */
  written(): number;
}

export function trickleUpload(url: string, path: string, intervalMs: number): TrickledUpload {
  const connection = connect(url);
  let written = 0;
  connection.socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n`);
  const timer = setInterval(() => {
    if (connection.isClosed() || written >= 1000) return;
    written += 1;
    connection.socket.write('<');
  }, intervalMs);
  void connection.ended.then(() => clearInterval(timer));
  return { ...connection, written: () => written };
}

/** A POST of `body` of which only the head and the first half are sent; `finish()` sends the rest. */
export interface HalfSentRequest extends RawConnection {
  finish(): void;
}

export function halfSentRequest(url: string, path: string, body: string): HalfSentRequest {
  const connection = connect(url);
  const bytes = Buffer.from(body, 'utf8');
  const half = Math.floor(bytes.length / 2);
  connection.socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${bytes.length}\r\n\r\n`);
  connection.socket.write(bytes.subarray(0, half));
  return { ...connection, finish: () => void connection.socket.write(bytes.subarray(half)) };
}

/** The status and body of the one response in `raw` (a Content-Length response, as every example sends). */
export function parseResponse(raw: string): { status: number; body: string } {
  const headEnd = raw.indexOf('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(raw.slice(0, headEnd))?.[1] ?? 0);
  return { status, body: Buffer.from(raw.slice(headEnd + 4), 'latin1').subarray(0, length).toString('utf8') };
}
