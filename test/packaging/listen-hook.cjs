// Preloaded (`node --require`) into a README example that the packaging test runs. Examples say
// `app.listen(3000)`; a test must not depend on port 3000 being free. Every server listens on a free loopback port
// instead, and the first one to listen reports its port to the test over the IPC channel.
const net = require('node:net');
const { URL } = require('node:url');

const listen = net.Server.prototype.listen;
let reported = false;
net.Server.prototype.listen = function listenOnAFreePort(...args) {
  const callback = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined;
  this.once('listening', () => {
    if (reported || typeof process.send !== 'function') return;
    reported = true;
    process.send({ port: this.address().port });
  });
  return callback === undefined ? listen.call(this, 0, '127.0.0.1') : listen.call(this, 0, '127.0.0.1', callback);
};

// An example may hold real-looking credentials; whatever it does, it never reaches a WeChat host from a test.
const realFetch = globalThis.fetch;
globalThis.fetch = function loopbackOnlyFetch(input, init) {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    return Promise.reject(new Error(`the packaging test refuses to fetch ${url.origin}: examples run on loopback only`));
  }
  return realFetch(input, init);
};
