// Kết Nối's service worker: a delegate's agenda, meeting cards and check-in code stay
// readable on a phone without a network once opened. Network first (always the latest
// when online), the last copy when offline. Only the person's own pages listed below and
// the site's static files are kept; nothing is kept for other pages, and the page script
// (static/js/offline.js) empties the cache after log-out.
const CACHE = "ketnoi-offline-v1";
const PAGES = [
  /^\/events\/\d+\/meetings\/mine$/,
  /^\/events\/\d+\/me$/,
  /^\/events\/\d+\/calendar$/,
];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  if (event.data === "forget") {
    event.waitUntil(caches.delete(CACHE));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const page = PAGES.some((pattern) => pattern.test(url.pathname));
  const asset = url.pathname.startsWith("/static/") || url.pathname === "/favicon.ico";
  if (!page && !asset) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        const html = (response.headers.get("content-type") || "").includes("text/html");
        if (response.ok && response.type === "basic" && (asset || html)) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(() =>
        caches
          .open(CACHE)
          .then((cache) => cache.match(request, { ignoreSearch: page }))
          .then((cached) => cached || Response.error())
      )
  );
});
