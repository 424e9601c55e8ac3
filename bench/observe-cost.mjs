// What the shipped examples' observability costs per callback: the `wxopen:callback` subscribers of
// examples/shared (Prometheus metrics, the debug log line) fed N events, µs per event, median of 5 passes.
//   npx tsc -b && node bench/observe-cost.mjs [--n 200000] [--example-shared DIR]
// --example-shared points at another build's examples/shared/dist (see baseline.mjs) to compare.
import { channel } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { fixed, median } from './lib/format.mjs';

const { values: args } = parseArgs({ options: { n: { type: 'string', default: '200000' }, 'example-shared': { type: 'string' } } });
const require = createRequire(import.meta.url);
const shared = require(resolve(args['example-shared'] ?? join(import.meta.dirname ?? '.', '../examples/shared/dist/index.js')));
const N = Number(args.n);
const callbacks = channel('wxopen:callback'); // what the core publishes on, once per answered callback
const observability = shared.createObservability({ level: 'info' });
const outcomes = ['handled', 'handled', 'handled', 'duplicate'];
const event = (i) => ({ endpoint: 'message', outcome: outcomes[i & 3], status: 200, kind: 'text', authorizerAppId: 'wx000000000000be0c', durationMs: (i % 50) / 10 });
const times = [];
for (let pass = 0; pass < 6; pass++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) callbacks.publish(event(i));
  if (pass > 0) times.push(Number(process.hrtime.bigint() - start) / 1e3 / N);
}
observability.close();
console.log(`wxopen:callback subscribers of the examples: ${fixed(median(times), 3)} µs per callback (median of 5 passes of ${N})`);
