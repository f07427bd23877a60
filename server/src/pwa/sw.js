// Soco's service worker. The server fills in VERSION and PRECACHE for each build (see pwa/mod.rs).
//
// - The build's assets are precached at install and served from the cache (they are immutable).
// - Page navigations go to the network; only when it fails is the cached offline page shown.
// - Nothing else is ever cached: no pages, no data, nothing that belongs to a signed-in user.
"use strict";

const VERSION = "__SOCO_VERSION__";
const OFFLINE_URL = "__SOCO_OFFLINE__";
const PRECACHE = [] /* __SOCO_PRECACHE__ */;
const CACHE = `soco-${VERSION}`;
const PRECACHED = new Set(PRECACHE);

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // credentials: "omit" keeps any signed-in state out of the cached offline page.
      const requests = [...PRECACHE, OFFLINE_URL].map(
        (url) => new Request(url, { cache: "reload", credentials: "omit" }),
      );
      await cache.addAll(requests);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("soco-") && key !== CACHE) {
          await caches.delete(key);
        }
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (PRECACHED.has(url.pathname)) {
    event.respondWith(
      caches
        .open(CACHE)
        .then((cache) => cache.match(url.pathname))
        .then((hit) => hit || fetch(request)),
    );
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(async () => {
        const cache = await caches.open(CACHE);
        return (await cache.match(OFFLINE_URL)) || Response.error();
      }),
    );
  }
  // Anything else falls through to the network, uncached.
});
