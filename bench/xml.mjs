// XML parsing, in two parts. Build first, then run:   npx tsc -b && node bench/xml.mjs [seconds-per-case, default 1]
// 1. Throughput: the scanner (fast path) against xml2js, on the documents WeChat sends most (operations per second).
// 2. Hostile bodies: µs per KiB of parseXmlStrict (what reads bytes whose signature is unchecked) on the shapes
//    known to make XML readers slow, at 16, 64 and 256 KiB (the default body limit). A flat row means linear time.
//    Then xml2js on an unterminated `<!aaaa…`, whose cost per KiB grows with the size (quadratic time).
// Figures depend on the machine, so nothing here asserts a speed (the unit tests count steps instead).
import { Parser } from 'xml2js';
// The XML module of the built core itself: its diagnostic entries (parseXmlFast, parseXmlSlow) are not all in the
// package's public index.
import xml from '../packages/core/dist/xml/index.js';

const { parseXml, parseXmlFast, parseXmlSlow, parseXmlStrict } = xml;
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

// 2. Hostile bodies.

/** `head`, whole `unit`s, `tail`, padded with leading spaces to exactly `size` characters. */
function shape(head, unit, tail = '') {
  return (size) => {
    const room = size - head.length - tail.length;
    const body = unit.repeat(Math.floor(room / unit.length));
    return ' '.repeat(room - body.length) + head + body + tail;
  };
}

const HOSTILE = {
  'unterminated <!aaaa…': shape('<xml><Encrypt>x</Encrypt><!', 'a'),
  'a run of <!': shape('<xml>', '<!'),
  'unterminated comment': shape('<xml><!--', 'a'),
  'unterminated CDATA': shape('<xml><Encrypt><![CDATA[', 'a'),
  'CDATA sections mentioning <!DOCTYPE': shape('<xml><a>', '<![CDATA[<!DOCTYPE x>]]>', '</a></xml>'),
  'unterminated processing instruction': shape('<xml><?pi ', 'a'),
  'deep nesting': shape('<xml>', '<a>'),
  'many siblings (10 000 max)': shape('<xml>', '<a>1</a>', '</xml>'),
  'long attribute list': shape('<xml', ' a="1"'),
  'a run of &': shape('<xml><a>', '&'),
  'many references': shape('<xml><a>', '&amp;&#x4E2D;', '</a></xml>'),
  'valid envelope (Encrypt)': shape('<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[', 'QUJD', ']]></Encrypt></xml>'),
};

/** Median µs per KiB of `fn(text)` over enough runs to fill about `seconds / 10`. */
function microsPerKiB(fn, text) {
  const run = () => {
    try {
      fn(text);
    } catch {
      // a refusal is the expected outcome for most shapes: its cost is what is measured
    }
  };
  for (let i = 0; i < 3; i++) run();
  const samples = [];
  const budget = (seconds / 10) * 1e9;
  const start = process.hrtime.bigint();
  while (samples.length < 5 || (samples.length < 2000 && Number(process.hrtime.bigint() - start) < budget)) {
    const t = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - t) / 1e3);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1] / (text.length / 1024);
}

const KIB = 1024;
const SIZES = [16 * KIB, 64 * KIB, 256 * KIB];
const cell = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1)).padStart(9);

console.log('');
console.log(`parseXmlStrict on hostile bodies, µs per KiB (median)`);
console.log(`${'shape'.padEnd(38)} ${SIZES.map((s) => `${s / KIB} KiB`.padStart(9)).join(' ')}  outcome`);
for (const [name, make] of Object.entries(HOSTILE)) {
  const texts = SIZES.map(make);
  let outcome = 'parsed';
  try {
    parseXmlStrict(texts[0]);
  } catch (error) {
    outcome = `refused (${error.code})`;
  }
  console.log(`${name.padEnd(38)} ${texts.map((t) => cell(microsPerKiB(parseXmlStrict, t))).join(' ')}  ${outcome}`);
}

const xml2js = (text) => new Parser({ explicitArray: false, async: false }).parseString(text, () => undefined);
const XML2JS_SIZES = [2 * KIB, 4 * KIB, 8 * KIB, 16 * KIB];
const declaration = HOSTILE['unterminated <!aaaa…'];
console.log('');
console.log(`xml2js (sax) on an unterminated <!aaaa…, µs per KiB (the library never gives it such bytes)`);
console.log(`${''.padEnd(38)} ${XML2JS_SIZES.map((s) => `${s / KIB} KiB`.padStart(9)).join(' ')}`);
console.log(`${'xml2js'.padEnd(38)} ${XML2JS_SIZES.map((s) => cell(microsPerKiB(xml2js, declaration(s)))).join(' ')}`);
console.log(`${'parseXmlStrict'.padEnd(38)} ${XML2JS_SIZES.map((s) => cell(microsPerKiB(parseXmlStrict, declaration(s)))).join(' ')}`);
