// Checks, in this browser, that a pact is in the public transparency log: the checkpoint's Ed25519 signature,
// the RFC 9162 inclusion proof of its entry, and that the entry says what the page shows. WebCrypto only, no
// library: this file is the whole check, and anyone can read it.
(function () {
  "use strict";

  const section = document.getElementById("log-check");
  if (!section || !section.dataset.inclusionUrl) return;
  const list = section.querySelector("[data-log-check-result]");
  const summary = section.querySelector("[data-log-check-summary]");
  const encoder = new TextEncoder();
  const KEY_STORE = "netralitas-log-key";

  class Refused extends Error {}

  function message(name, values) {
    const template = section.querySelector(`[data-msg="${name}"]`);
    let text = template ? template.textContent.trim() : name;
    for (const [key, value] of Object.entries(values || {})) text = text.split(`{${key}}`).join(String(value));
    return text;
  }

  function say(text, ok) {
    const item = document.createElement("li");
    item.textContent = `${ok ? "\u2713" : "\u2717"} ${text}`;
    item.className = ok ? "text-success" : "text-danger fw-semibold";
    list.appendChild(item);
  }

  function fromBase64(text) {
    const raw = atob(text);
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  function equal(a, b) {
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  const leafHash = (leaf) => sha256(concat(Uint8Array.of(0), leaf));
  const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

  async function fetchText(url) {
    const response = await fetch(url, { credentials: "omit" });
    if (!response.ok) throw new Refused(message("unreachable", { status: response.status }));
    return response.text();
  }

  // C2SP signed-note verifier key: <name>+<hex key ID>+<base64(0x01 || Ed25519 public key)>.
  async function parseKey(line) {
    const first = line.indexOf("+");
    const second = line.indexOf("+", first + 1);
    const name = line.slice(0, first);
    const raw = fromBase64(line.slice(second + 1));
    if (raw.length !== 33 || raw[0] !== 1) throw new Refused(message("bad-key"));
    const id = (await sha256(concat(encoder.encode(`${name}\n`), raw))).slice(0, 4);
    if (hex(id) !== line.slice(first + 1, second).toLowerCase()) throw new Refused(message("bad-key"));
    const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
    return { name, id, key };
  }

  async function openCheckpoint(noteText, verifier) {
    const cut = noteText.lastIndexOf("\n\n");
    const text = noteText.slice(0, cut + 1);
    let verified = false;
    for (const line of noteText.slice(cut + 2).split("\n")) {
      if (!line.startsWith("\u2014 ")) continue;
      const [name, encoded] = line.slice(2).split(" ");
      const raw = fromBase64(encoded);
      if (name !== verifier.name || !equal(raw.slice(0, 4), verifier.id)) continue;
      const ok = await crypto.subtle.verify({ name: "Ed25519" }, verifier.key, raw.slice(4), encoder.encode(text));
      if (!ok) throw new Refused(message("bad-signature"));
      verified = true;
    }
    if (!verified) throw new Refused(message("bad-signature"));
    const [origin, size, root] = text.split("\n");
    return { origin, size: Number(size), root: fromBase64(root) };
  }

  // RFC 9162, section 2.1.3.2, step by step.
  async function verifyInclusion(index, size, leaf, proof, root) {
    if (index >= size) return false;
    let fn = index;
    let sn = size - 1;
    let r = await leafHash(leaf);
    for (const p of proof) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn !== 0 && fn % 2 === 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(r, root);
  }

  async function codeHash(code, time) {
    const material = await crypto.subtle.importKey("raw", encoder.encode(code), "PBKDF2", false, ["deriveBits"]);
    const salt = encoder.encode(`${section.dataset.codeSalt}${time}`);
    const params = { name: "PBKDF2", hash: "SHA-256", salt, iterations: Number(section.dataset.codeRounds) };
    return hex(new Uint8Array(await crypto.subtle.deriveBits(params, material, 256)));
  }

  async function checkEntry(kind, checkpoint) {
    const url = `${section.dataset.inclusionUrl}?${new URLSearchParams({
      code: section.dataset.code,
      kind,
      tree_size: checkpoint.size,
    })}`;
    const answer = JSON.parse(await fetchText(url));
    const leaf = fromBase64(answer.leaf);
    const proof = answer.proof.map(fromBase64);
    if (!(await verifyInclusion(answer.leaf_index, checkpoint.size, leaf, proof, checkpoint.root))) {
      throw new Refused(message("bad-proof", { index: answer.leaf_index }));
    }
    say(message("included", { index: answer.leaf_index, size: checkpoint.size }), true);
    const record = JSON.parse(new TextDecoder().decode(leaf));
    if (record.kind !== kind) throw new Refused(message("other-pact"));
    const code = section.dataset.code;
    const named = "code" in record ? record.code === code : record.code_hash === (await codeHash(code, record.time));
    if (!named) throw new Refused(message("other-pact"));
    return record;
  }

  function comparePage(record) {
    const fields = document.querySelectorAll("[data-log-field]");
    if (!fields.length) return;
    if (!record.public) {
      say(message("not-public"), true);
      return;
    }
    const differ = [];
    for (const element of fields) {
      const name = element.dataset.logField;
      if ((record.public[name] || "").trim() !== element.textContent.trim()) differ.push(message(`field-${name}`));
    }
    if (differ.length) throw new Refused(message("page-differs", { fields: differ.join(", ") }));
    say(message("page-matches"), true);
  }

  async function run() {
    const line = (await fetchText(section.dataset.keyUrl)).trim();
    const known = window.localStorage ? localStorage.getItem(KEY_STORE) : null;
    if (known && known !== line) throw new Refused(message("key-changed"));
    const verifier = await parseKey(line);
    const checkpoint = await openCheckpoint(await fetchText(section.dataset.checkpointUrl), verifier);
    say(message("signed", { size: checkpoint.size, name: verifier.name }), true);
    const record = await checkEntry("pact", checkpoint);
    say(message("names-pact"), true);
    comparePage(record);
    if (section.dataset.withdrawn === "true") await checkEntry("withdrawal", checkpoint);
    if (window.localStorage && !known) localStorage.setItem(KEY_STORE, line);
    section.dataset.result = "verified";
    summary.textContent = message("all-ok");
    summary.className = "fw-semibold text-success mb-1";
  }

  run().catch((error) => {
    say(error instanceof Refused ? error.message : message("error", { error: error.message }), false);
    section.dataset.result = "failed";
    summary.textContent = message("failed");
    summary.className = "fw-semibold text-danger mb-1";
  });
})();
