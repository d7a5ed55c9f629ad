// Progress of a background print job (templates/exports/print.html).
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var bar = box.querySelector("progress"), text = box.querySelector("[role=status]");
  var link = document.getElementById("job-download");
  // the same job in "Recent prints" below says the same thing
  var recent = document.querySelector('#recent-jobs li[data-job="' + box.dataset.job + '"] .job-state');
  function mirror(job) {
    if (!recent) return;
    if (job.status === "done") {
      var a = document.createElement("a");
      a.href = link.dataset.href || link.href;
      a.textContent = link.textContent;
      recent.replaceChildren(a);
    } else if (job.status === "failed") {
      recent.textContent = box.dataset.failedShort;
    } else {
      recent.textContent = text.textContent;
    }
  }
  function show(job) {
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    if (job.status === "done") {
      text.textContent = box.dataset.done;
      bar.value = bar.max;
      if (link.dataset.href) link.href = link.dataset.href;
      link.hidden = false;
    } else if (job.status === "failed") {
      text.textContent = box.dataset.failed;  // the driver's text stays in the log
    } else if (job.status === "queued") {
      text.textContent = box.dataset.queued;
    } else {
      text.textContent = box.dataset.progress.replace("{done}", job.done).replace("{total}", job.total);
    }
    mirror(job);
    return job.status === "done" || job.status === "failed";
  }
  function poll() {
    fetch(box.dataset.status, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (job) { if (!show(job)) setTimeout(poll, 1500); })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (link.hidden) poll();
})();
