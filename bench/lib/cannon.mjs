// Child process: the load generator of throughput.mjs, autocannon in a process of its own, driven over IPC.
// argv[2] is JSON { secrets }.
//
// { type: 'run', targets: [{ port }], connections, seconds, pool, tag }
//   Builds `pool` distinct encrypted text pushes per target before the clock starts (each its own MsgId, nonce
//   and content, stamped now), then runs one autocannon instance per target at once for `seconds`, the
//   `connections` split between them, each request taking the next push (`setupRequest`). Should a run outlast
//   its pool, further pushes are built while sending (counted in `built`). Every CHECK_EVERY-th reply is opened
//   (MsgSignature checked, decrypted) and must read `echo: <the content sent>`. Answers
//   { type: 'result', requests, seconds, rps, p50, p99, non2xx, errors, timeouts, failures, lastFailure, checked, built }.
import process from 'node:process';
import autocannon from 'autocannon';
import { WechatSimulator, textMessage } from '@wxopen/testing';

export const PATH = '/wechat/callback/wx000000000000be0c';
const CHECK_EVERY = 500;
const { secrets } = JSON.parse(process.argv[2]);
const wechat = new WechatSimulator(secrets);
let serial = BigInt(Date.now()) * 1_000_000n;

/** Push `i` of run `tag`: a distinct delivery (fresh MsgId, nonce, content), stamped now. */
function push(tag, i) {
  serial++;
  const content = `bench ${tag} ${i}`;
  const built = wechat.encrypted(textMessage(content, { msgId: String(serial) }), { nonce: String(serial % 10_000_000_000n) });
  return { path: built.url(PATH), body: built.body, content };
}

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function run({ targets, connections, seconds, pool, tag }) {
  const state = { failures: 0, lastFailure: undefined, checked: 0, built: 0 };
  const samples = [];
  const instances = targets.map(({ port }, t) => {
    const runTag = `${tag}/${t}`;
    const pushes = Array.from({ length: pool }, (_, i) => push(runTag, i));
    let next = 0;
    return {
      url: `http://127.0.0.1:${port}`,
      connections: Math.max(1, Math.round(connections / targets.length)),
      duration: seconds,
      pipelining: 1,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'text/xml' },
          setupRequest(request, context) {
            const i = next++;
            let p = pushes[i];
            if (p === undefined) {
              p = push(runTag, i);
              state.built++;
            } else pushes[i] = undefined; // sent once: free it
            context.i = i;
            context.content = p.content;
            return { ...request, path: p.path, body: p.body };
          },
          onResponse(status, body, context) {
            if (status !== 200) {
              state.failures++;
              state.lastFailure = `${status} ${String(body).slice(0, 80)}`;
            } else if (context.i % CHECK_EVERY === 0) samples.push([context.content, body]);
          },
        },
      ],
    };
  });
  const results = await Promise.all(instances.map(cannon));
  for (const [content, body] of samples) {
    state.checked++;
    try {
      const { record } = wechat.openReply(String(body));
      if (record.Content !== `echo: ${content}` || record.MsgType !== 'text') throw new Error(`reads ${JSON.stringify(record.Content)}, sent ${JSON.stringify(content)}`);
    } catch (error) {
      state.failures++;
      state.lastFailure = `reply ${state.checked}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const sum = (f) => results.reduce((total, r) => total + f(r), 0);
  const requests = sum((r) => r.requests.total);
  const elapsed = Math.max(...results.map((r) => r.duration));
  return {
    type: 'result',
    requests,
    seconds: elapsed,
    rps: requests / elapsed,
    // With several targets: the worst instance's quantile.
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    ...state,
  };
}

process.on('message', (message) => {
  if (message.type === 'run') {
    run(message).then(
      (result) => process.send(result),
      (error) => process.send({ type: 'error', message: String(error?.stack ?? error) }),
    );
  } else if (message.type === 'stop') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
