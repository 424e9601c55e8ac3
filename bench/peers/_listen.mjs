// Shared by the peer servers: listen on a free port of 127.0.0.1, tell the parent (throughput.mjs) over IPC,
// exit when it says stop or goes away.
import http from 'node:http';
import process from 'node:process';

/** The benchmark's credentials (argv[2] is JSON `{ secrets }`). */
export const { secrets } = JSON.parse(process.argv[2]);

/** Serves `listener` on a free port and reports `{ type: 'listening', port }`. */
export function listen(listener) {
  const server = http.createServer(listener);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: server.address().port }));
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('message', (message) => message?.type === 'stop' && stop());
  process.on('disconnect', () => process.exit(0));
  return server;
}
