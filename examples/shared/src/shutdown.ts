import type http from 'node:http';
import type { Socket } from 'node:net';

/** Closes a server's connections as they fall idle, once a shutdown has begun. */
export interface ConnectionDrain {
  /**
   * From now on, closes every connection as soon as it has no request in flight: at once for idle keep-alive
   * connections and for connections that never sent a byte, right after its response for the others.
   */
  drain(): void;
}

/**
 * Watches `server` (call it before the server listens) so that a shutdown does not wait for idle connections.
 * `server.close()` stops accepting and closes the keep-alive connections idle at that moment, but a connection
 * that was busy keeps its keep-alive after its response (Node and Fastify both) and stays open until the
 * keep-alive timeout; one that connected and sent nothing stays open until the headers timeout.
 */
export function watchConnections(server: http.Server): ConnectionDrain {
  let draining = false;
  const sockets = new Set<Socket>();
  const closeIdle = () => {
    server.closeIdleConnections();
    // A connection that never sent a byte has no request to finish.
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (_request: http.IncomingMessage, response: http.ServerResponse) => {
    // After 'finish' the socket is detached from the response, so it counts as idle on the next turn.
    response.once('finish', () => {
      if (draining) setImmediate(closeIdle);
    });
  });
  return {
    drain() {
      draining = true;
      closeIdle();
    },
  };
}
