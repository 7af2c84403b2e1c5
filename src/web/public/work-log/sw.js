/* global self, caches */
// The work log's service worker (scope /work-log/): the page opens on a phone without signal.
// It keeps only the page's shell — its HTML, script, styles and the shared toolkit — and serves them
// from the network first (so a new version arrives as soon as there is signal), from its cache when
// the network fails. API calls and everything else go to the network untouched and are never stored:
// no answer with anybody's data ends up in this cache. Entries typed offline wait in the page's own
// queue (IndexedDB, see app.js), not here.
const CACHE = 'work-log-shell-v1';
const SHELL = ['/work-log/', '/work-log/app.js', '/work-log/work-log.css', '/shared/base.css', '/shared/toolkit.js'];
/** On a connection that is up but carries nothing, the cached shell is used after this long. */
const NETWORK_WAIT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('work-log-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) return;
  event.respondWith(networkFirst(event.request, url.pathname));
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => setTimeout(() => reject(new Error('network too slow')), NETWORK_WAIT_MS)),
    ]);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw err;
  }
}
