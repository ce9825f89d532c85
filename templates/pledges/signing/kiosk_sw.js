{% load static %}/* The offline kiosk's service worker: serves the kiosk page and the static files it loaded from a cache
   (and refreshes them in the background), so that the kiosk opens with no network. The attendee list and the
   queued signatures are not here: the page keeps them in IndexedDB and talks to the server itself. */
"use strict";
var CACHE = "{{ cache|escapejs }}";
var STATIC_PREFIX = "{% get_static_prefix %}";
var KIOSK_PAGE = /^\/kiosk\/\d+\/luring\/$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  var page = KIOSK_PAGE.test(url.pathname);
  if (!page && url.pathname.indexOf(STATIC_PREFIX) !== 0) return;
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: page }).then(function (cached) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") cache.put(request, response.clone());
        return response;
      });
      if (cached) {
        fresh.catch(function () {});
        return cached;
      }
      return fresh;
    });
  }));
});
