// XML parsing throughput: the scanner (fast path) against xml2js, on the documents WeChat sends most.
// Build first, then run:   npx tsc -b && node bench/xml.mjs [seconds-per-case, default 1]
// Prints operations per second; figures depend on the machine, so nothing here asserts a speed.
import core from '@wxopen/core';

const { parseXml, parseXmlFast, parseXmlSlow } = core;
const seconds = Number(process.argv[2] ?? 1);

const documents = {
  'text message':
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId></xml>',
  'scancode_push event (nested ScanCodeInfo)':
    '<xml><ToUserName><![CDATA[gh_e136c6e50636]]></ToUserName><FromUserName><![CDATA[oMgHVjngRipVsoxg6TuX3vz6glDg]]></FromUserName><CreateTime>1408090502</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[scancode_push]]></Event><EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo></xml>',
  'encrypted envelope':
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[mfBCs65c67CeJw22u4VT2TD73q5H06+ocrAIxswCaeZ/d/Lw0msSZFHY0teqgSYiI1zR2gD2DKrB3TIrmX/liNSDrGqS8jSI/WPeKB5VPr7Ezr7gomZAyGCwJSgT1TRFWPfONGJMxuj2nk4faTuspAuVIFQ6SHwZuJBZC7mcJp7Cgr9cUhATQWDbOPaE7ukZBTV2YqyzH+UI2AK+J1S47cE79k1RX8t0hcTz/O0hlK8DGXKnvYv88qKQcI7z4iaajqHfRVZKBNyOODabs+It+ZfM3dWTeFcPgDbGtIEnpt/EDtuuA/zMvtkaKdHdswPnVZQ+xdwbYr3ldGvfT8HlEYEgkgKaThxTFobVlwzu2ZkXCjicbP3xdr15Iq48ObgzPpqYuZ3IEoyggZDKClquk0u0orMck4GTF/XyE8yGzc4=]]></Encrypt></xml>',
};

/** Runs `fn(doc)` for about `seconds` and returns operations per second. */
function measure(fn, doc) {
  for (let i = 0; i < 2_000; i++) fn(doc); // warm up
  const budget = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let ops = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 500; i++) fn(doc);
    ops += 500;
    elapsed = process.hrtime.bigint() - start;
  }
  return (ops * 1e9) / Number(elapsed);
}

const format = (n) => Math.round(n).toLocaleString('en-US').padStart(11);

console.log(`node ${process.version}, ${seconds} s per case`);
console.log(`${'document'.padEnd(44)} ${'scanner'.padStart(11)} ${'parseXml'.padStart(11)} ${'xml2js'.padStart(11)}  speed-up`);
for (const [name, doc] of Object.entries(documents)) {
  if (parseXmlFast(doc) === undefined) throw new Error(`the scanner does not answer the ${name}`);
  const fast = measure(parseXmlFast, doc);
  const combined = measure(parseXml, doc);
  const slow = measure(parseXmlSlow, doc);
  console.log(`${name.padEnd(44)} ${format(fast)} ${format(combined)} ${format(slow)}  ×${(fast / slow).toFixed(1)}`);
}
console.log('ops/s: scanner = parseXmlFast, parseXml = scanner with fallback, xml2js = parseXmlSlow');
