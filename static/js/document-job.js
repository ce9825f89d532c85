/* A document being made in the background: poll its status every second or two, move the progress bar, and
   offer the download when it is ready. Markup: [data-document-job=<status URL>] with [data-job=...] parts. */
(function () {
  "use strict";
  var root = document.querySelector("[data-document-job]");
  if (!root) return;
  var url = root.getAttribute("data-document-job");
  var every = 1500;

  function part(name) {
    return root.querySelector("[data-job=" + name + "]");
  }

  function show(data) {
    part("label").textContent = data.label;
    part("done").textContent = data.chunks_done;
    part("total").textContent = data.chunks_total;
    part("bar").style.width = data.percent + "%";
    root.querySelector("[role=progressbar]").setAttribute("aria-valuenow", data.percent);
    root.setAttribute("data-status", data.status);
    if (data.download_url) {
      var link = part("download");
      link.href = data.download_url;
      link.classList.remove("d-none");
    }
    part("failed").classList.toggle("d-none", data.status !== "failed");
  }

  function finished() {
    var status = root.getAttribute("data-status");
    return status === "done" || status === "failed";
  }

  function tick() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(show)
      .catch(function () {
        /* a missed poll is retried on the next tick */
      })
      .finally(function () {
        if (!finished()) window.setTimeout(tick, every);
      });
  }

  part("bar").style.width = root.querySelector("[role=progressbar]").getAttribute("aria-valuenow") + "%";
  if (!finished()) window.setTimeout(tick, every);
})();
