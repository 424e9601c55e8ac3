// A lean HTTP/1.1 load generator: keep-alive sockets, one request in flight per socket, request bytes built
// before the clock starts, a minimal response parser (Content-Length bodies only). It costs the client far
// less CPU than `http.request`, so on a 2-core machine the server, not the client, is what saturates.
import net from 'node:net';
import { Buffer } from 'node:buffer';
import process from 'node:process';

const HEADER_END = Buffer.from('\r\n\r\n');

/** The bytes of `POST path?query` carrying `push.body`, for a server on 127.0.0.1:`port`. */
export function requestBytes(port, path, push) {
  const body = Buffer.from(push.body, 'utf8');
  const head =
    `POST ${push.url(path)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/xml\r\n` +
    `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** One keep-alive connection; `send(bytes)` resolves to `{ status, body }` (body as a UTF-8 string). */
class Connection {
  #port;
  #socket;
  #buffer = Buffer.alloc(0);
  #pending;

  constructor(port) {
    this.#port = port;
  }

  #connect() {
    const socket = net.connect(this.#port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    const fail = (error) => {
      this.#socket = undefined;
      this.#buffer = Buffer.alloc(0);
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(error ?? new Error('connection closed by the server'));
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
    this.#socket = socket;
  }

  #parse() {
    const end = this.#buffer.indexOf(HEADER_END);
    if (end < 0 || this.#pending === undefined) return;
    const head = this.#buffer.toString('latin1', 0, end);
    if (/\r\ntransfer-encoding:/i.test(head)) {
      this.#pending.reject(new Error('chunked responses are not supported by this load generator'));
      return;
    }
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    const bodyStart = end + HEADER_END.length;
    if (this.#buffer.length < bodyStart + length) return;
    const status = Number(head.slice(9, 12));
    const body = this.#buffer.toString('utf8', bodyStart, bodyStart + length);
    this.#buffer = this.#buffer.subarray(bodyStart + length);
    const pending = this.#pending;
    this.#pending = undefined;
    pending.resolve({ status, body });
  }

  send(bytes) {
    if (this.#socket === undefined) this.#connect();
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(bytes);
    });
  }

  close() {
    this.#socket?.destroy();
  }
}

/** The `q` quantile (0..1) of `values`, a sorted Float64Array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Sends `total` requests, `request(i)` giving the bytes of request `i`, over `connections` sockets.
 * `onResponse(i, status, body, latencyMs)` sees every response. Resolves to
 * `{ seconds, latencies (sorted Float64Array, ms), cpuSeconds (this process, while sending) }`.
 */
export async function runLoad({ port, connections, total, request, onResponse = () => undefined }) {
  const latencies = new Float64Array(total);
  const pool = Array.from({ length: connections }, () => new Connection(port));
  let next = 0;
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    pool.map(async (connection) => {
      while (next < total) {
        const i = next++;
        const bytes = request(i);
        const sent = process.hrtime.bigint();
        const { status, body } = await connection.send(bytes);
        const latency = Number(process.hrtime.bigint() - sent) / 1e6;
        latencies[i] = latency;
        onResponse(i, status, body, latency);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  for (const connection of pool) connection.close();
  return { seconds, latencies: latencies.sort(), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
