// Reads a V8 .cpuprofile and says where the time went: by area (wxopen core, adapter, framework, node
// internals, GC, …), by function (self time) and, for wxopen's own functions, inclusive time.
import { readFile } from 'node:fs/promises';

/** A short, stable name for a script URL. */
function shortUrl(url) {
  if (url === '') return '';
  const pkg = /\/packages\/([^/]+)\/dist\/(.*)$/.exec(url);
  if (pkg) return `@wxopen/${pkg[1]}/${pkg[2]}`;
  const module = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (module) return `${module[1]}/${module[2]}`;
  const example = /\/examples\/([^/]+)\/dist\/(.*)$/.exec(url);
  if (example) return `examples/${example[1]}/${example[2]}`;
  const bench = /\/bench\/((?:lib|peers)\/.*)$/.exec(url);
  if (bench) return `bench/${bench[1]}`;
  return url.replace(/^node:internal\//, 'node:');
}

/** Which part of the stack a frame belongs to. */
function area({ functionName, url }) {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'V8/native (program)';
  if (url.includes('/packages/core/')) return 'wxopen core';
  if (/\/packages\/(express|koa|fastify)\//.test(url)) return 'wxopen adapter';
  if (/\/examples\/[^/]+\/dist\//.test(url)) return 'wxopen example';
  if (/\/bench\/(lib|peers)\//.test(url)) return 'bench handler';
  const module = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (module) return `npm: ${module[1]}`;
  if (url.startsWith('node:internal/crypto')) return 'node: crypto';
  if (url.startsWith('node:internal/http') || url.startsWith('node:_http') || url.startsWith('node:http')) return 'node: http';
  if (url.startsWith('node:internal/streams') || url.startsWith('node:stream')) return 'node: streams';
  if (url.startsWith('node:internal/url') || url.startsWith('node:querystring') || url.startsWith('node:url')) return 'node: url/querystring';
  if (url.startsWith('node:')) return 'node: other';
  return 'native builtins';
}

const label = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;

/**
 * Summarises the profile in `file` over `requests` requests. Returns
 * `{ busyMs, perRequestUs, areas: Map<area, µs/request>, self: [label, µs/request][], inclusive: [label, µs/request][] }`,
 * `inclusive` covering wxopen's own functions (core and adapters) only.
 */
export async function summarizeProfile(file, requests) {
  const profile = JSON.parse(await readFile(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  // Sample i lasts until sample i+1 (the convention Chrome DevTools uses).
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length - 1; i++) selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + timeDeltas[i + 1]);

  const areas = new Map();
  const self = new Map();
  const inclusive = new Map();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += us;
    const where = area(frame);
    areas.set(where, (areas.get(where) ?? 0) + us);
    self.set(label(frame), (self.get(label(frame)) ?? 0) + us);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      const callFrame = byId.get(at).callFrame;
      if (!/\/packages\/(core|express|koa|fastify)\//.test(callFrame.url)) continue;
      const name = label(callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const perRequest = (map) => new Map([...map].map(([name, us]) => [name, us / requests]).sort((a, b) => b[1] - a[1]));
  return {
    busyMs: busy / 1000,
    perRequestUs: busy / requests,
    areas: perRequest(areas),
    self: [...perRequest(self)],
    inclusive: [...perRequest(inclusive)],
  };
}
