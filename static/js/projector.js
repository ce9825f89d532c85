/* The hall's screen: refresh the count and the attendance code every few seconds without reloading. */
(function () {
  "use strict";
  var root = document.querySelector("[data-projector-status]");
  if (!root) return;
  var url = root.getAttribute("data-projector-status");
  var every = 5000;

  function show(name, value) {
    root.querySelectorAll("[data-figure=" + name + "]").forEach(function (el) {
      el.textContent = value;
    });
  }

  function tick() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        show("signed", data.signed);
        show("invited", data.invited);
        show("attendance_code", data.attendance_code.replace(/(\d{4})(\d{4})/, "$1 $2"));
        var qr = root.querySelector("[data-presence-qr]");
        if (qr && String(data.window) !== qr.getAttribute("data-window")) {
          // A new five-minute window: the QR code carries a new proof of presence.
          qr.setAttribute("data-window", data.window);
          qr.src = qr.getAttribute("data-presence-qr") + "?w=" + data.window;
        }
        var bar = root.querySelector("[data-figure=progress]");
        if (bar) bar.style.width = (data.invited ? (100 * data.signed) / data.invited : 0) + "%";
        root.classList.remove("is-stale");
      })
      .catch(function () {
        root.classList.add("is-stale");
      })
      .finally(function () {
        window.setTimeout(tick, every);
      });
  }

  window.setTimeout(tick, every);
})();
