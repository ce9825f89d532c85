/* The offline kiosk. It keeps the event's attendee list and the declaration in IndexedDB, queues every
   signature there with a key it makes itself, and sends the queue in order whenever the network is back.
   Nothing leaves the queue until the server has given its verdict on it; the same key always gets the
   same verdict, so a resend after a cut connection is harmless. */
(function () {
  "use strict";

  var root = document.querySelector("[data-offline-kiosk]");
  if (!root) return;
  var config = JSON.parse(document.getElementById("kiosk-config").textContent);
  var T = JSON.parse(document.getElementById("kiosk-texts").textContent);
  var CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  var RESULTS = 12;
  var SYNC_EVERY_MS = 20000;
  var state = { bundle: null, queue: [], verdicts: [], current: null, syncing: false, closed: false };

  function $(selector) {
    return root.ownerDocument.querySelector(selector);
  }

  // --- IndexedDB --------------------------------------------------------------------------------------
  var dbPromise = new Promise(function (resolve, reject) {
    var request = indexedDB.open("netralitas-kiosk", 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      db.createObjectStore("queue", { keyPath: "key" });
      db.createObjectStore("verdicts", { keyPath: "key" });
      db.createObjectStore("bundles", { keyPath: "event" });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function store(names, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(names, mode);
        var request = work(transaction);
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function ofThisEvent(rows) {
    return rows.filter(function (row) { return row.event === config.event; });
  }

  function loadLocal() {
    return Promise.all([
      store("queue", "readonly", function (t) { return t.objectStore("queue").getAll(); }),
      store("verdicts", "readonly", function (t) { return t.objectStore("verdicts").getAll(); }),
      store("bundles", "readonly", function (t) { return t.objectStore("bundles").get(config.event); })
    ]).then(function (found) {
      state.queue = ofThisEvent(found[0]).sort(byCaptureTime);
      state.verdicts = ofThisEvent(found[1]).sort(byCaptureTime);
      if (found[2]) state.bundle = found[2].data;
    });
  }

  function byCaptureTime(a, b) {
    return a.captured_at < b.captured_at ? -1 : a.captured_at > b.captured_at ? 1 : 0;
  }

  // --- Talking to the server --------------------------------------------------------------------------
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    });
  }

  function deviceId() {
    var name = "netralitas-kiosk-device-" + config.event;
    var id = localStorage.getItem(name);
    if (!id) {
      id = crypto.randomUUID();
      localStorage.setItem(name, id);
    }
    return id;
  }

  function refreshBundle() {
    return post(config.device, { device: deviceId(), label: navigator.userAgent.slice(0, 100) })
      .then(function (response) {
        if (!response.ok) return response.json().then(function (body) { throw new Refusal(body.error); });
        return fetch(config.data, { credentials: "same-origin" });
      })
      .then(function (response) {
        if (!response.ok) return response.json().then(function (body) { throw new Refusal(body.error); });
        return response.json();
      })
      .then(function (data) {
        state.bundle = data;
        if (data.event.status === "closed") return finishIfClosed();
        return store("bundles", "readwrite", function (t) {
          return t.objectStore("bundles").put({ event: config.event, data: data });
        });
      });
  }

  function Refusal(message) {
    this.message = message;
  }

  function sendOne(item) {
    return post(config.sync, {
      device: item.device, key: item.key, attendee: item.attendee, captured_at: item.captured_at,
      declaration: item.declaration, signature: item.signature, code: item.code
    }).then(function (response) {
      if (!response.ok) return response.json().then(function (body) { throw new Refusal(body.error); });
      return response.json();
    }).then(function (verdict) {
      var kept = {
        key: item.key, event: item.event, attendee: item.attendee, name: item.name, captured_at: item.captured_at,
        verdict: verdict.verdict, reason: verdict.reason, code: verdict.code || item.code
      };
      // The verdict and the removal from the queue are one transaction: a crash keeps one or the other.
      return store(["queue", "verdicts"], "readwrite", function (t) {
        t.objectStore("verdicts").put(kept);
        t.objectStore("queue").delete(item.key);
      }).then(function () {
        state.queue = state.queue.filter(function (queued) { return queued.key !== item.key; });
        state.verdicts.push(kept);
      });
    });
  }

  function sync() {
    if (state.syncing) {
      state.again = true; // asked again while sending (the network came back meanwhile): run once more after
      return Promise.resolve();
    }
    if (!state.queue.length) return Promise.resolve(finishIfClosed());
    state.syncing = true;
    var pending = state.queue.slice();
    var chain = Promise.resolve();
    pending.forEach(function (item) {
      chain = chain.then(function () { return sendOne(item).then(render); });
    });
    return chain
      .then(finishIfClosed)
      .catch(function (error) {
        say(error instanceof Refusal ? error.message : T.offline, "warning");
      })
      .then(function () {
        state.syncing = false;
        render();
        if (state.again) {
          state.again = false;
          return sync();
        }
      });
  }

  function finishIfClosed() {
    // Once the event is closed and every queued signature has its verdict, the tablet keeps nothing of it.
    if (!state.bundle || state.bundle.event.status !== "closed" || state.queue.length) return;
    state.bundle = null;
    state.closed = true;
    say(T.closed, "info");
    return store(["bundles", "verdicts"], "readwrite", function (t) {
      t.objectStore("bundles").delete(config.event);
      state.verdicts.forEach(function (verdict) { t.objectStore("verdicts").delete(verdict.key); });
    });
  }

  // --- Screens ------------------------------------------------------------------------------------------
  function say(message, kind) {
    var box = $("[data-kiosk-message]");
    box.textContent = message || "";
    box.className = "alert alert-" + (kind || "info") + (message ? "" : " d-none");
  }

  function show(panel) {
    root.querySelectorAll("[data-panel]").forEach(function (section) {
      section.hidden = section.getAttribute("data-panel") !== panel;
    });
  }

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function taken() {
    var ids = {};
    state.queue.forEach(function (item) { ids[item.attendee] = true; });
    state.verdicts.forEach(function (verdict) { if (verdict.verdict === "accepted") ids[verdict.attendee] = true; });
    return ids;
  }

  function render() {
    var online = navigator.onLine;
    var badge = $("[data-net-state]");
    badge.textContent = online ? T.online : T.offline_short;
    badge.className = "badge " + (online ? "text-bg-success" : "text-bg-warning");
    $("[data-queue-count]").textContent = String(state.queue.length);
    $("[data-search-input]").disabled = !state.bundle || state.bundle.event.status !== "open";
    $("[data-bundle-age]").textContent = state.bundle
      ? T.bundle_age.replace("%(time)s", new Date(state.bundle.generated_at).toLocaleString())
      : "";
    var list = $("[data-verdicts]");
    list.textContent = "";
    state.verdicts.slice().reverse().forEach(function (verdict) {
      var row = document.createElement("li");
      row.className = "list-group-item" + (verdict.verdict === "refused" ? " list-group-item-danger" : "");
      row.setAttribute("data-verdict", verdict.verdict);
      row.textContent = verdict.name + " · " + verdict.code + " · " +
        (verdict.verdict === "accepted" ? T.accepted : T.refused + ": " + verdict.reason);
      list.appendChild(row);
    });
    renderResults();
  }

  function renderResults() {
    var box = $("[data-results]");
    var query = fold($("[data-search-input]").value.trim());
    box.textContent = "";
    if (!state.bundle || !query) return;
    var digits = query.replace(/\s/g, "");
    var byDigits = /^\d{3,}$/.test(digits);
    var signedHere = taken();
    var matches = state.bundle.attendees.filter(function (person) {
      if (byDigits) return person[4].replace(/\s/g, "").slice(-digits.length) === digits;
      return fold(person[1]).indexOf(query) !== -1;
    }).slice(0, RESULTS);
    if (!matches.length) {
      var none = document.createElement("div");
      none.className = "list-group-item";
      none.textContent = T.no_match;
      box.appendChild(none);
    }
    matches.forEach(function (person) {
      var done = person[5] || signedHere[person[0]];
      var row = document.createElement(done ? "div" : "button");
      row.className = "list-group-item kiosk-result d-flex justify-content-between align-items-center text-start" +
        (done ? "" : " list-group-item-action");
      var who = document.createElement("span");
      who.textContent = person[1];
      var detail = document.createElement("span");
      detail.className = "text-muted small d-block";
      detail.textContent = [person[3], person[4]].filter(Boolean).join(" · ");
      who.appendChild(detail);
      var action = document.createElement("span");
      action.className = done ? "badge text-bg-success" : "btn btn-netral";
      action.textContent = done ? T.signed : T.this_is_me;
      row.appendChild(who);
      row.appendChild(action);
      if (!done) {
        row.type = "button";
        row.addEventListener("click", function () { startSigning(person); });
      }
      box.appendChild(row);
    });
  }

  function startSigning(person) {
    var declaration = state.bundle.declaration;
    if (!declaration || state.bundle.event.status !== "open") {
      say(T.not_open, "warning");
      return;
    }
    state.current = person;
    $("[data-pact-code]").textContent = "";
    $("[data-declaration-title]").textContent = declaration.title;
    $("[data-declaration-opening]").textContent = declaration.opening;
    $("[data-declaration-closing]").textContent = declaration.closing;
    var points = $("[data-declaration-points]");
    points.textContent = "";
    declaration.points.forEach(function (point) {
      var item = document.createElement("li");
      item.textContent = point;
      points.appendChild(item);
    });
    $("[data-signer-name]").textContent = person[1];
    $("[data-signer-detail]").textContent = [person[2], person[3], person[4]].filter(Boolean).join(" · ");
    show("sign");
    window.dispatchEvent(new Event("resize")); // the pad sizes itself once it is visible
    $("[data-signature-clear]").click();
    $("[data-signature-clear]").focus();
  }

  function pactCode() {
    var bytes = crypto.getRandomValues(new Uint8Array(10));
    return Array.prototype.map.call(bytes, function (byte) {
      return CODE_ALPHABET[byte % CODE_ALPHABET.length];
    }).join("");
  }

  function capture(signature) {
    var person = state.current;
    var item = {
      key: crypto.randomUUID(), event: config.event, device: deviceId(), attendee: person[0], name: person[1],
      declaration: state.bundle.declaration.id, captured_at: new Date().toISOString(), signature: signature,
      code: pactCode()
    };
    return store("queue", "readwrite", function (t) { return t.objectStore("queue").add(item); }).then(function () {
      state.queue.push(item);
      state.current = null;
      $("[data-done-title]").textContent = T.thanks.replace("%(name)s", person[1]);
      $("[data-pact-code]").textContent = item.code;
      show("done");
      $("[data-next]").focus();
      render();
      if (navigator.onLine) sync();
    });
  }

  // --- Wiring -------------------------------------------------------------------------------------------
  var form = root.querySelector("form[data-signature-form]");
  form.addEventListener("submit", function (event) {
    event.preventDefault(); // signature-form.js has put the drawing into the hidden field, or refused
    var field = form.querySelector("input[name=signature]");
    if (field.value && state.current) {
      var signature = field.value;
      field.value = "";
      capture(signature);
    }
  });
  $("[data-cancel]").addEventListener("click", function () { state.current = null; show("search"); });
  $("[data-next]").addEventListener("click", function () {
    show("search");
    var input = $("[data-search-input]");
    input.value = "";
    renderResults();
    input.focus();
  });
  $("[data-search-form]").addEventListener("submit", function (event) { event.preventDefault(); });
  $("[data-search-input]").addEventListener("input", renderResults);
  $("[data-sync-now]").addEventListener("click", function () { refreshAndSync(); });
  window.addEventListener("online", function () { refreshAndSync(); });
  window.addEventListener("offline", render);
  setInterval(function () { if (navigator.onLine) sync(); }, SYNC_EVERY_MS);

  function refreshAndSync() {
    return refreshBundle()
      .then(function () { if (!state.closed) say(""); })
      .catch(function (error) { if (error instanceof Refusal) say(error.message, "danger"); })
      .then(function () { render(); return sync(); });
  }

  function keepShell() {
    // The worker serves this page and its files from a cache when the network is gone.
    if (!("serviceWorker" in navigator)) return Promise.resolve();
    return navigator.serviceWorker.register(config.worker, { scope: "/kiosk/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () {
        var files = [location.pathname];
        document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (node) {
          files.push(node.getAttribute("href") || node.getAttribute("src"));
        });
        return caches.open(config.cache).then(function (cache) { return cache.addAll(files); });
      })
      .catch(function () { /* offline already: the cache from the last visit serves */ });
  }

  show("search");
  loadLocal()
    .then(function () {
      render();
      return navigator.onLine ? refreshAndSync() : null;
    })
    .then(function () {
      if (!state.bundle) say(T.no_data, "warning");
      render();
      return keepShell();
    })
    .then(function () { root.setAttribute("data-kiosk-ready", ""); });
})();
