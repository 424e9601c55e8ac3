// Child process of file-lock.int.test.ts: opens a FileStore (the BUILT one, packages/core/dist) on a path and
// writes to it until its stdin closes (then it closes the store and exits 0) or it is killed. Prints:
//   "ready <pid>"          the store is open (this process holds the lock)
//   "set <key>"            a durable set resolved
//   "refused <message>"    the constructor refused the file (then exits 3)
// Usage: node file-lock-child.mjs <state path> <name>
import { setTimeout as sleep } from 'node:timers/promises';
import { FileStore } from '../../dist/store/file.js';

const [path, name] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);

let store;
try {
  store = new FileStore({ path });
} catch (error) {
  say(`refused ${error.message}`);
  process.exit(3);
}
say(`ready ${process.pid}`);

let stopping = false;
process.stdin.on('end', () => {
  stopping = true;
});
process.stdin.resume();

for (let i = 0; !stopping; i++) {
  const key = `${name}:${i}`;
  await store.set(key, `value ${i}`);
  say(`set ${key}`);
  await sleep(5);
}
await store.close();
process.exit(0);
