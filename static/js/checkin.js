// Check-in desk (templates/outcomes/checkin.html): live arrivals, camera QR reader.
(function () {
  // The arrivals panel follows the other desks: reload it every 10 seconds.
  var panel = document.getElementById("arrivals-panel");
  setInterval(function () {
    fetch(panel.dataset.src, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("arrivals");
        if (fresh) panel.replaceChildren(document.importNode(fresh, true));
      }).catch(function () {});
  }, 10000);
  // Phone or tablet camera: the browser's own QR reader, where there is one.
  var button = document.getElementById("scan");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var video = document.getElementById("camera");
    var detector = new BarcodeDetector({formats: ["qr_code"]});
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream; video.hidden = false; video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            document.getElementById("code").value = codes[0].rawValue;
            document.getElementById("method").value = "qr";
            document.getElementById("code-form").submit();
          } else { requestAnimationFrame(look); }
        }).catch(function () { requestAnimationFrame(look); });
      };
      look();
    }).catch(function () { button.hidden = true; });
  });
})();
