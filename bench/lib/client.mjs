// Child process: plays WeChat, driven over IPC by throughput.mjs / soak.mjs. argv[2] is JSON { secrets }.
//
// { type: 'run', port, count, connections, tag }  pre-builds `count` distinct encrypted text pushes (not
//   timed), sends them, answers { type: 'result', seconds, rps, p50, p99, cpuSeconds, failures, checked }.
// { type: 'soak', port, count, connections, tag }  builds each push just before sending it (so 10^6 pushes
//   never sit in memory), answers { type: 'result', … } at the end; meanwhile
// { type: 'progress' } answers { type: 'progress', done, count, p99 } for the responses since the last one.
//
// Every push is a distinct delivery (its own MsgId and nonce). Every 500th reply is opened and checked to be
// the encrypted `echo: <Content>`; any other status than 200 counts as a failure.
import process from 'node:process';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { PATH } from './apps.mjs';
import { quantile, requestBytes, runLoad } from './load.mjs';

const { secrets } = JSON.parse(process.argv[2]);
const wechat = new WechatSimulator(secrets);
const CHECK_EVERY = 500;
let serial = BigInt(Date.now()) * 1_000_000n;

function content(tag, i) {
  return `bench ${tag}-${i}`;
}

/** A distinct delivery: a fresh MsgId and nonce, stamped now. */
function pushBytes(port, tag, i) {
  serial++;
  const message = textMessage(content(tag, i), { msgId: String(serial) });
  return requestBytes(port, PATH, wechat.encrypted(message, { nonce: String(serial % 10_000_000_000n) }));
}

let progress = { done: 0, count: 0, latencies: [] };

async function drive({ port, count, connections, tag }, prebuilt) {
  const requests = prebuilt ? Array.from({ length: count }, (_, i) => pushBytes(port, tag, i)) : undefined;
  const samples = [];
  let failures = 0;
  let lastFailure;
  progress = { done: 0, count, latencies: [] };
  const { seconds, latencies, cpuSeconds } = await runLoad({
    port,
    connections,
    total: count,
    request: requests ? (i) => requests[i] : (i) => pushBytes(port, tag, i),
    onResponse: (i, status, body, latency) => {
      progress.done++;
      progress.latencies.push(latency);
      if (status !== 200) {
        failures++;
        lastFailure = `${status} ${body.slice(0, 80)}`;
      } else if (i % CHECK_EVERY === 0) samples.push([i, body]);
    },
  });
  for (const [i, body] of samples) {
    const { record } = wechat.openReply(body);
    if (record.Content !== `echo: ${content(tag, i)}` || record.MsgType !== 'text') {
      failures++;
      lastFailure = `reply ${i} reads ${JSON.stringify(record.Content)}`;
    }
  }
  return {
    type: 'result',
    seconds,
    rps: count / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    cpuSeconds,
    failures,
    lastFailure,
    checked: samples.length,
  };
}

process.on('message', (message) => {
  if (message.type === 'run' || message.type === 'soak') {
    drive(message, message.type === 'run').then(
      (result) => process.send(result),
      (error) => process.send({ type: 'error', message: String(error?.stack ?? error) }),
    );
  } else if (message.type === 'progress') {
    const sorted = Float64Array.from(progress.latencies).sort();
    process.send({ type: 'progress', done: progress.done, count: progress.latencies.length, p99: quantile(sorted, 0.99) });
    progress.latencies = [];
  } else if (message.type === 'stop') {
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
