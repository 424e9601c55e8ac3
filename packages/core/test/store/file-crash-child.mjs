// Child process of file-crash.int.test.ts: writes to a FileStore (the BUILT one, packages/core/dist) in a tight
// loop until it is killed, and prints one line per acknowledged write:
//   "set <key> <value>"   a durable set resolved
//   "counter <n>"          the shared counter key was set to n and resolved
// Usage: node file-crash-child.mjs <state path> <round>
import { FileStore } from '../../dist/store/file.js';

const [path, round] = process.argv.slice(2);
const store = new FileStore({ path });
const ack = (line) => process.stdout.write(`${line}\n`);

async function writer(loop) {
  for (let i = 0; ; i++) {
    const key = `{r${round}}:w${loop}:${i}`;
    const value = `value ${i} 微信 ✓ "${'x'.repeat(i % 50)}"`;
    await store.set(key, value);
    ack(`set ${key} ${JSON.stringify(value)}`);
    // Short-lived marks, as dedup does: kept in memory only, they must not disturb the file.
    await store.setIfAbsent(`dedup:${round}:${loop}:${i}`, '1', 5_000);
  }
}

async function counter() {
  for (let n = 1; ; n++) {
    await store.set('counter', String(n), 3_600_000);
    ack(`counter ${n}`);
  }
}

ack('ready');
// Several concurrent writers, so that writes coalesce and a crash can land between any two of them.
Promise.all([writer(0), writer(1), writer(2), counter()]).catch((error) => {
  process.stderr.write(`${error && error.stack}\n`);
  process.exit(1);
});
