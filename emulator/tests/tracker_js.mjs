// Runs the emulator's tracker stand-in (src/handlers/tracker.js) under node with small stand-ins for the
// browser objects it uses, and checks what it sends. Run by tests/tracker.rs:
//
//   node tests/tracker_js.mjs src/handlers/tracker.js [http://127.0.0.1:PORT]
//
// With an origin, a last scenario sends through node's real fetch to that emulator and prints
// `LIVE {"deviceUUID": …}` so that the Rust side can check the journal.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import vm from 'node:vm';

const [trackerPath, liveOrigin] = process.argv.slice(2);
const code = fs.readFileSync(trackerPath, 'utf8');
const SRC = 'http://127.0.0.1:9/scripts/v1/tracker.js';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Values made inside the vm have the vm's prototypes, which strict deep equality refuses.
const plain = (value) => JSON.parse(JSON.stringify(value));

/** A page: the cookie jar, the snippet's queueing stub with `queue` in it, then the script. */
function load({ cookie = '', currentScript = { src: SRC }, scripts = [], crypto, fetch, queue = [] }) {
  const jar = { cookie, sets: [] };
  const document = {
    get cookie() {
      return jar.cookie;
    },
    set cookie(value) {
      jar.sets.push(value);
      const pair = value.split(';')[0];
      jar.cookie = jar.cookie ? `${jar.cookie}; ${pair}` : pair;
    },
    currentScript,
    getElementsByTagName: (tag) => (tag === 'script' ? scripts : []),
  };
  const warnings = [];
  const window = {
    document,
    crypto: crypto ?? { randomUUID: () => '11111111-2222-4333-8444-555555555555' },
    fetch,
    console: { warn: (...args) => warnings.push(args.map(String).join(' ')) },
  };
  window.window = window;
  window.mindbox = function () {
    window.mindbox.queue.push(arguments);
  };
  window.mindbox.queue = [];
  for (const args of queue) {
    window.mindbox(...args);
  }
  vm.runInContext(code, vm.createContext(window));
  return { window, jar, warnings };
}

/** A fetch that records calls and answers from `answer(index)`; the first answer is slow, so
 *  that a tracker that did not wait for it would be caught with two calls in flight. */
function recorder(answer = () => ({ status: 200, body: { status: 'Success' } })) {
  const rec = { calls: [], inFlight: 0, maxInFlight: 0 };
  rec.fetch = (url, init) => {
    const index = rec.calls.length;
    rec.calls.push({ url: new URL(url), init });
    rec.inFlight++;
    rec.maxInFlight = Math.max(rec.maxInFlight, rec.inFlight);
    return new Promise((resolve) => setTimeout(resolve, index === 0 ? 30 : 1)).then(() => {
      rec.inFlight--;
      const a = answer(index);
      if (a instanceof Error) {
        throw a;
      }
      return { ok: a.status >= 200 && a.status < 300, status: a.status, text: async () => JSON.stringify(a.body) };
    });
  };
  return rec;
}

async function waitFor(condition, what) {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const scenarios = {
  async 'queue drained in order, calls before create wait for it, one call at a time'() {
    const rec = recorder();
    const done = [];
    const call = (operation, extra = {}) => ({
      operation,
      data: { n: operation },
      onSuccess: (answer) => done.push([operation, plain(answer)]),
      ...extra,
    });
    const page = load({
      fetch: rec.fetch,
      queue: [
        ['async', call('A.BeforeCreate')],
        ['create', { endpointId: 'demo-shop' }],
        ['identify', call('B.Identify')],
      ],
    });
    page.window.mindbox('sync', call('C.Sync'));
    page.window.mindbox('async', { operation: 'D.NoData' });
    await waitFor(() => done.length === 3 && rec.calls.length === 4 && rec.inFlight === 0, 'four calls');
    assert.deepEqual(done.map((d) => d[0]), ['A.BeforeCreate', 'B.Identify', 'C.Sync']);
    assert.deepEqual(done[0][1], { status: 'Success' });
    assert.equal(rec.maxInFlight, 1);
    const seen = rec.calls.map(({ url, init }) => ({
      origin: url.origin,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      method: init.method,
      contentType: init.headers['Content-Type'],
      keepalive: init.keepalive,
      body: init.body,
    }));
    const expected = (kind, operation, body) => ({
      origin: 'http://127.0.0.1:9',
      path: `/tracker/v3/operations/${kind}`,
      query: { endpointId: 'demo-shop', operation, deviceUUID: '11111111-2222-4333-8444-555555555555' },
      method: 'POST',
      contentType: 'text/plain;charset=UTF-8',
      keepalive: true,
      body,
    });
    assert.deepEqual(seen, [
      expected('async', 'A.BeforeCreate', '{"n":"A.BeforeCreate"}'),
      expected('async', 'B.Identify', '{"n":"B.Identify"}'),
      expected('sync', 'C.Sync', '{"n":"C.Sync"}'),
      expected('async', 'D.NoData', '{}'),
    ]);
    assert.deepEqual(page.warnings, []);
  },

  async 'nothing is sent until create, which may come after the script'() {
    const rec = recorder();
    const page = load({ fetch: rec.fetch, queue: [['async', { operation: 'A' }]] });
    page.window.mindbox('sync', { operation: 'B' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(rec.calls.length, 0);
    page.window.mindbox('create', { endpointId: 'late' });
    await waitFor(() => rec.calls.length === 2 && rec.inFlight === 0, 'two calls');
    assert.deepEqual(
      rec.calls.map(({ url }) => [url.pathname, url.searchParams.get('operation'), url.searchParams.get('endpointId')]),
      [['/tracker/v3/operations/async', 'A', 'late'], ['/tracker/v3/operations/sync', 'B', 'late']],
    );
  },

  async 'the cookie is set when absent'() {
    const page = load({ fetch: recorder().fetch, cookie: 'other=1' });
    assert.deepEqual(page.jar.sets, [
      'mindboxDeviceUUID=11111111-2222-4333-8444-555555555555; path=/; max-age=31536000; SameSite=Lax',
    ]);
    let id = null;
    page.window.mindbox('helpers.getDeviceUUID', (value) => (id = value));
    assert.equal(id, '11111111-2222-4333-8444-555555555555');
  },

  async 'the cookie is reused when present'() {
    const rec = recorder();
    const page = load({
      fetch: rec.fetch,
      cookie: 'a=1; mindboxDeviceUUID=0f8fad5b-d9cb-469f-a165-70867728950e; b=2',
      crypto: { randomUUID: () => assert.fail('no new id when the cookie has one') },
      queue: [['create', { endpointId: 'e' }], ['async', { operation: 'Op' }]],
    });
    assert.deepEqual(page.jar.sets, []);
    await waitFor(() => rec.calls.length === 1 && rec.inFlight === 0, 'one call');
    assert.equal(rec.calls[0].url.searchParams.get('deviceUUID'), '0f8fad5b-d9cb-469f-a165-70867728950e');
  },

  async 'a v4 id from getRandomValues without randomUUID'() {
    const crypto = {
      getRandomValues: (bytes) => {
        bytes.forEach((_, i) => (bytes[i] = (i * 37 + 255) & 0xff));
        return bytes;
      },
    };
    const page = load({ fetch: recorder().fetch, crypto });
    let id = null;
    page.window.mindbox('helpers.getDeviceUUID', (value) => (id = value));
    assert.match(id, UUID_V4);
    assert.equal(page.jar.sets[0].split(';')[0], `mindboxDeviceUUID=${id}`);
  },

  async 'the origin falls back to the last tracker script'() {
    const rec = recorder();
    load({
      fetch: rec.fetch,
      currentScript: null,
      scripts: [
        { src: 'http://other.test/scripts/v1/tracker.js' },
        { src: 'http://cdn.test/app.js' },
        { src: 'http://127.0.0.1:4567/scripts/v1/tracker.js?v=2' },
        { src: '' },
      ],
      queue: [['create', { endpointId: 'e' }], ['async', { operation: 'Op' }]],
    });
    await waitFor(() => rec.calls.length === 1, 'one call');
    assert.equal(rec.calls[0].url.origin, 'http://127.0.0.1:4567');
  },

  async 'errors reach onError, unknown commands only warn'() {
    const failure = new Error('network down');
    const rec = recorder((i) =>
      [
        { status: 400, body: { status: 'ProtocolError', errorMessage: 'bad' } },
        failure,
        { status: 200, body: { status: 'Success' } },
        { status: 200, body: { status: 'Success' } },
      ][i],
    );
    const results = [];
    const page = load({ fetch: rec.fetch, queue: [['create', { endpointId: 'e' }]] });
    const m = page.window.mindbox;
    m('async', { operation: 'A', onError: (e) => results.push(['A', plain(e)]) });
    m('async', { operation: 'B', onError: (e) => results.push(['B', e]) });
    m('personalization.viewProduct', {});
    m('async', {
      operation: 'C',
      onSuccess: () => {
        throw new Error('a broken callback');
      },
    });
    m('async', { operation: 'D', onSuccess: (a) => results.push(['D', plain(a)]) });
    await waitFor(() => results.length === 3, 'three callbacks');
    assert.deepEqual(results[0], ['A', { status: 'ProtocolError', errorMessage: 'bad' }]);
    assert.equal(results[1][1], failure);
    assert.deepEqual(results[2], ['D', { status: 'Success' }]);
    assert.equal(page.warnings.length, 2);
    assert.match(page.warnings[0], /unknown command.*personalization\.viewProduct/);
    assert.match(page.warnings[1], /callback threw/);
  },

  async 'a second copy of the script leaves the first in charge'() {
    const rec = recorder();
    const page = load({ fetch: rec.fetch, queue: [['create', { endpointId: 'e' }]] });
    const first = page.window.mindbox;
    vm.runInContext(code, page.window);
    assert.equal(page.window.mindbox, first);
  },
};

for (const [name, run] of Object.entries(scenarios)) {
  try {
    await run();
  } catch (error) {
    console.error(`FAILED: ${name}`);
    throw error;
  }
}
console.log(`ok: ${Object.keys(scenarios).length} scenarios`);

if (liveOrigin) {
  const answers = [];
  const page = load({
    fetch: (url, init) => fetch(url, init),
    currentScript: { src: `${liveOrigin}/scripts/v1/tracker.js` },
    crypto: globalThis.crypto,
    queue: [
      ['create', { endpointId: 'shop' }],
      ['identify', {
        operation: 'SiteVisit',
        data: { customer: { ids: { websiteID: '7' } } },
        onSuccess: (a) => answers.push(plain(a)),
        onError: (e) => answers.push({ error: String(e) }),
      }],
      ['async', {
        operation: 'Website.ViewProduct',
        data: { viewProduct: { product: { ids: { websiteID: 'TEA-1' } } } },
        onSuccess: (a) => answers.push(plain(a)),
        onError: (e) => answers.push({ error: String(e) }),
      }],
    ],
  });
  await waitFor(() => answers.length === 2, 'the live answers');
  assert.deepEqual(answers, [{ status: 'Success' }, { status: 'Success' }]);
  let deviceUUID = null;
  page.window.mindbox('helpers.getDeviceUUID', (id) => (deviceUUID = id));
  console.log(`LIVE ${JSON.stringify({ deviceUUID })}`);
}
