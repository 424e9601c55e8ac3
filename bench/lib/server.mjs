// Child process: one server under test, driven over IPC by throughput.mjs / soak.mjs.
// argv[2] is JSON: { framework, variant, secrets, dedupTtlMs?, sweepIntervalMs? }.
// Messages in (each answered with a message of the same type):
//   { type: 'sample', gc? }          -> { memory: process.memoryUsage(), cpu: process.cpuUsage(), liveHeap?, errors, lastError }
//                                       (with gc and --expose-gc: a full GC after reading memory, liveHeap = heapUsed after it)
//   { type: 'profile-start' }        -> starts the V8 CPU profiler (100 µs sampling)
//   { type: 'profile-stop', file }   -> stops it and writes the .cpuprofile to `file` (opens in Chrome DevTools)
//   { type: 'stop' }                 -> closes the server and exits
// Message out first: { type: 'listening', port }.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import process from 'node:process';
import { buildServer } from './apps.mjs';

const config = JSON.parse(process.argv[2]);
const { server, stats } = await buildServer(config.framework, config.variant, config.secrets, config);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));

let session;

async function answer(message) {
  switch (message.type) {
    case 'sample': {
      const memory = process.memoryUsage();
      const cpu = process.cpuUsage();
      let liveHeap;
      if (message.gc && typeof globalThis.gc === 'function') {
        globalThis.gc();
        liveHeap = process.memoryUsage().heapUsed;
      }
      return { memory, cpu, liveHeap, errors: stats.errors, lastError: stats.lastError };
    }
    case 'profile-start':
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
      return {};
    case 'profile-stop': {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await writeFile(message.file, JSON.stringify(profile));
      return { file: message.file };
    }
    case 'stop':
      server.closeAllConnections();
      server.close(() => process.exit(0));
      return undefined;
    default:
      throw new Error(`unknown message ${message.type}`);
  }
}

process.on('message', (message) => {
  answer(message).then(
    (reply) => reply && process.send({ type: message.type, ...reply }),
    (error) => process.send({ type: 'error', message: String(error?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
