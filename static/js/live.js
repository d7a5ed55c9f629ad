// Pages marked with data-live="<seconds>" (the hall's "now" view, the grid) refresh their
// live part by themselves: while the tab is visible and nobody is typing, the page is
// fetched again and the element's content replaced, so changes made by other organisers or
// at the check-in desk show up without a reload.
(function () {
  const live = document.querySelector("[data-live]");
  if (!live) return;
  const every = Math.max(5, parseInt(live.dataset.live, 10) || 15) * 1000;
  async function refresh() {
    if (document.visibilityState !== "visible") return;
    const active = document.activeElement;
    if (active && live.contains(active) && /INPUT|TEXTAREA|SELECT/.test(active.tagName)) return;
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(live.id);
      if (fresh && fresh.innerHTML !== live.innerHTML) {
        live.innerHTML = fresh.innerHTML;
        live.dataset.updated = String(Date.now());
      }
    } catch (error) {
      // offline or the server restarting: try again at the next tick
    }
  }
  window.setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
})();
