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
  // Phone or tablet camera: the browser's own QR reader where it reads QR codes, else the
  // vendored jsQR decoder on frames drawn to a canvas. No camera API (or no secure context):
  // no button.
  var button = document.getElementById("scan");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var nativeReader = ("BarcodeDetector" in window && BarcodeDetector.getSupportedFormats)
    ? BarcodeDetector.getSupportedFormats().then(function (f) { return f.indexOf("qr_code") >= 0; })
        .catch(function () { return false; })
    : Promise.resolve(false);
  nativeReader.then(function (native) {
    if (!native && typeof window.jsQR !== "function") return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var video = document.getElementById("camera");
      var canvas = document.createElement("canvas");
      var detector = native ? new BarcodeDetector({formats: ["qr_code"]}) : null;
      var read = function () {
        if (detector) {
          return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
        }
        var w = video.videoWidth, h = video.videoHeight;
        if (!w || !h) return Promise.resolve(null);
        canvas.width = w; canvas.height = h;
        var ctx = canvas.getContext("2d", {willReadFrequently: true});
        ctx.drawImage(video, 0, 0, w, h);
        var found = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, {inversionAttempts: "dontInvert"});
        return Promise.resolve(found ? found.data : null);
      };
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        var look = function () {
          read().then(function (value) {
            if (value) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              document.getElementById("code").value = value;
              document.getElementById("method").value = "qr";
              document.getElementById("code-form").submit();
            } else { requestAnimationFrame(look); }
          }).catch(function () { requestAnimationFrame(look); });
        };
        look();
      }).catch(function () { button.hidden = true; });
    });
  });
})();
