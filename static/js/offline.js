// Registers the service worker (static/js/sw.js, served at /sw.js) for signed-in people,
// empties its cache for everyone else (after log-out nothing of the last person stays on
// the phone), and shows the "offline" note when the page is a saved copy.
(function () {
  const signedIn = document.body.dataset.user === "1";
  if ("serviceWorker" in navigator) {
    if (signedIn) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    } else {
      if (navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("forget");
      }
      if (window.caches) {
        caches.keys().then((keys) => keys.forEach((key) => caches.delete(key)));
      }
    }
  }
  function showOffline() {
    const note = document.getElementById("offline-note");
    if (note) note.hidden = navigator.onLine;
  }
  window.addEventListener("online", showOffline);
  window.addEventListener("offline", showOffline);
  document.addEventListener("DOMContentLoaded", showOffline);
})();
