// "Request a meeting": choosing the person reloads the form with their offers and requests
// as topics (the form works without this script; the topics then show after sending).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("recipient_id");
  if (!select || select.tagName !== "SELECT") return;
  select.addEventListener("change", () => {
    if (!select.value) return;
    const url = new URL(window.location.href);
    url.searchParams.set("to", select.value);
    const message = document.getElementById("message");
    if (message && message.value) url.searchParams.set("message", message.value);
    window.location.assign(url.toString());
  });
});
