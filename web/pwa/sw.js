// The service worker of the landtrace map client (issue 16), written into dist/sw.js
// by the build (pwa/build-pwa.js) with the build's asset list and a version that is a
// hash of those assets, so a rebuild installs a new cache and drops the old one.
//   - the app shell (index.html and the built assets) is precached; a navigation is
//     network-first (a fresh index.html whenever the server answers), the cached shell
//     when offline; hashed assets cache-first;
//   - API requests go to the network; only the public form choices (api/trace/options)
//     are kept for offline use; nothing carrying personal data is cached;
//   - tiles are network-first, kept in a cache of at most MAX_TILES entries.
const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const SHELL_CACHE = `landtrace-shell-${VERSION}`;
const DATA_CACHE = 'landtrace-data';
const TILE_CACHE = 'landtrace-tiles';
const MAX_TILES = 600;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('landtrace-shell-') && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function networkFirst(request, cacheName, { cap = 0 } = {}) {
  try {
    const res = await fetch(request);
    if (res.ok && res.status === 200) {
      const cache = await caches.open(cacheName);
      await cache.put(request, res.clone());
      if (cap) trim(cache, cap);
    }
    return res;
  } catch (err) {
    const hit = await caches.match(request);
    if (hit) return hit;
    throw err;
  }
}

async function trim(cache, cap) {
  const keys = await cache.keys();
  for (const k of keys.slice(0, Math.max(0, keys.length - cap))) await cache.delete(k);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const scope = new URL(self.registration.scope);
  const path = url.pathname.startsWith(scope.pathname) ? url.pathname.slice(scope.pathname.length) : url.pathname;
  if (request.mode === 'navigate') {
    // The network's page when it answers; offline, the precached index.html (not a
    // cached `/`: the server answers `/` by content negotiation, JSON to a plain fetch).
    event.respondWith(fetch(request).catch(async (err) => {
      const shell = await caches.open(SHELL_CACHE);
      const hit = await shell.match(new URL('index.html', scope).href);
      if (hit) return hit;
      throw err;
    }));
  } else if (path === 'api/trace/options') {
    event.respondWith(networkFirst(request, DATA_CACHE));
  } else if (path.startsWith('api/') || path === 'health' || path === 'sw.js') {
    // the network only (answers may hold personal data)
  } else if (path.startsWith('tiles/')) {
    event.respondWith(networkFirst(request, TILE_CACHE, { cap: MAX_TILES }));
  } else if (SHELL.includes(path) || SHELL.includes(`./${path}`)) {
    event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
  } else {
    event.respondWith(networkFirst(request, DATA_CACHE));
  }
});
