"""The requests of `make prod-check`, against a running production build (see deploy/prod-check.sh).

It plays the TLS proxy: every request comes with ``X-Forwarded-Proto: https`` and an ``X-Forwarded-For`` from
127.0.0.1, which gunicorn and the site trust there. Standard library only; exits 1 when any answer is wrong.

    python deploy/prod_check.py http://127.0.0.1:8110 USERNAME PASSWORD
"""

import base64
import hmac
import http.client
import json
import re
import struct
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie

CLIENT = "198.51.100.7"


class Browser:
    """Just enough of a browser: cookies (kept even though marked Secure), no redirects followed."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.origin = "https://" + urllib.parse.urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        self.failures: list[str] = []

    def request(self, method, path, *, body=None, headers=None, https=True):
        url = urllib.parse.urlsplit(self.base)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        sent = {"Host": url.netloc, "X-Forwarded-For": CLIENT, **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        elapsed = (time.monotonic() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response, content, elapsed

    def expect(self, path, *, status=200, kind=None, method="GET", body=None, headers=None, https=True):
        """Request ``path`` and record a failure unless the status (and content type) are as expected."""
        response, content, elapsed = self.request(method, path, body=body, headers=headers, https=https)
        ok = response.status == status and (kind is None or kind in response.headers.get("Content-Type", ""))
        print(f"{'ok ' if ok else 'BAD'} {response.status} {elapsed:7.0f} ms  {method} {path}")
        if not ok:
            self.failures.append(f"{method} {path}: {response.status} {response.headers.get('Content-Type')}")
            print(content[:500].decode(errors="replace"))
        return response, content.decode(errors="replace") if kind != "application/pdf" else content

    def form(self, path: str) -> tuple[str, str]:
        """Open the form at ``path`` (which sets the CSRF cookie): the page and its CSRF token."""
        _response, page = self.expect(path, kind="text/html")
        return page, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def form_headers(self, path: str, content_type: str) -> dict:
        """What a browser sends with a form posted over HTTPS: Django's CSRF check compares Origin and Referer."""
        return {"Content-Type": content_type, "Origin": self.origin, "Referer": self.origin + path}

    def login(self, username: str, password: str) -> None:
        """The real login form, with its CSRF cookie and token."""
        fields = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": self.form("/masuk/")[1],
        }
        headers = self.form_headers("/masuk/", "application/x-www-form-urlencoded")
        response, _content = self.expect(
            "/masuk/", method="POST", body=urllib.parse.urlencode(fields), headers=headers, status=302
        )
        if "sessionid" not in self.cookies:
            self.failures.append(f"login as {username}: no session cookie ({response.status})")
        self.enrol_authenticator()

    def enrol_authenticator(self) -> None:
        """The second factor a first sign-in sets up: read the secret off the page, answer with the app's code."""
        enrol = "/akun/autentikator/"
        page, token = self.form(enrol)
        secret = re.search(r"data-totp-secret>([^<]+)<", page).group(1)
        fields = {"token": totp(secret, time.time()), "csrfmiddlewaretoken": token, "next": "/staf/"}
        headers = self.form_headers(enrol, "application/x-www-form-urlencoded")
        self.expect(enrol, method="POST", body=urllib.parse.urlencode(fields), headers=headers, status=302)


def totp(secret: str, at: float) -> str:
    """RFC 6238's code (SHA-1, 30 s, 6 digits), as an authenticator app shows it."""
    key = "".join(secret.split()).upper()
    digest = hmac.new(base64.b32decode(key + "=" * (-len(key) % 8)), struct.pack(">Q", int(at // 30)), "sha1")
    raw = digest.digest()
    offset = raw[-1] & 0x0F
    return f"{(struct.unpack('>I', raw[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def _first(pattern: str, text: str, what: str) -> str:
    match = re.search(pattern, text)
    if match is None:
        raise SystemExit(f"prod-check: found no {what} to request")
    return match.group(1)


def public_pages(browser: Browser) -> None:
    _response, home = browser.expect("/", kind="text/html")
    # Collected, hashed static files, served by WhiteNoise with a far-future cache lifetime.
    for path in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', home))):
        response, _content = browser.expect(path)
        if "immutable" not in response.headers.get("Cache-Control", ""):
            browser.failures.append(f"{path}: not served as an immutable, hashed static file")
    _response, registry = browser.expect("/registri/", kind="text/html")
    code = _first(r'href="/pakta/([A-Z0-9]{10})/"', registry, "pact in the registry")
    for path, kind in [
        ("/registri/?q=a", "text/html"),
        ("/registri/unduh.csv", "text/csv"),
        ("/api/pakta/", "application/json"),
        ("/cakupan/", "text/html"),
        (f"/pakta/{code}/", "text/html"),
        (f"/pakta/{code}/tanda-tangan.png", "image/png"),
        (f"/pakta/{code}/unduh.pdf", "application/pdf"),
        ("/verifikasi/", "text/html"),
        (f"/verifikasi/?code={code}", "text/html"),
        (f"/verifikasi/{code}/", "text/html"),
        ("/masuk/", "text/html"),
    ]:
        browser.expect(path, kind=kind)


def transport_security(browser: Browser) -> None:
    """Plain HTTP is sent to HTTPS, HTTPS answers carry HSTS, and the health check answers plain HTTP."""
    response, _content = browser.expect("/", status=301, https=False)
    if not response.headers.get("Location", "").startswith("https://"):
        browser.failures.append("plain HTTP is not redirected to HTTPS")
    response, _content = browser.expect("/")
    if "max-age" not in response.headers.get("Strict-Transport-Security", ""):
        browser.failures.append("no Strict-Transport-Security header over HTTPS")


def health(browser: Browser) -> None:
    _response, body = browser.expect("/healthz", kind="application/json", https=False)
    status = json.loads(body)
    if set(status.values()) != {"ok"}:
        browser.failures.append(f"/healthz: {status}")


def staff_pages(browser: Browser, username: str, password: str) -> list[tuple[str, str]]:
    """Log in, open the dashboard and each event on it; return (event id, its phone signing page)."""
    browser.login(username, password)
    _response, dashboard = browser.expect("/staf/", kind="text/html")
    if username not in dashboard:
        browser.failures.append("/staf/: the dashboard does not show the signed-in user")
    events = []
    for event in sorted(set(re.findall(r'href="/staf/kegiatan/(\d+)/"', dashboard)), key=int):
        _response, page = browser.expect(f"/staf/kegiatan/{event}/", kind="text/html")
        if sign := re.search(r"(/tandatangan/[^/\"<\s]+/)", page):
            events.append((event, sign.group(1)))
    if not events:
        raise SystemExit("prod-check: no event with a signing page on the staff dashboard")
    return events


def phone_signing(browser: Browser, events: list[tuple[str, str]]) -> str | None:
    """The page a phone opens from the hall's QR code; return the event open for signing."""
    for event, path in events:
        _response, page = browser.expect(path, kind="text/html")
        if 'name="attendance_code"' in page:
            return event
    browser.failures.append("no event's signing page asks for the attendance code (none open?)")
    return None


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "prod-check-boundary"
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in fields.items()
    )
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n\r\n'
    body = (parts + head).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def import_attendees(browser: Browser, event: str, count: int) -> None:
    """Staff upload an attendee list, see the preview and confirm it: a file posted through CSRF."""
    rows = ["nama,nip,jabatan,instansi"] + [
        f"Peserta Uji {n},19850312201{n // 999 % 10}031{n % 999 + 1:03d},Pelaksana,Dinas Uji Produksi"
        for n in range(count)
    ]
    path = f"/staf/kegiatan/{event}/impor/"
    fields = {"csrfmiddlewaretoken": browser.form(path)[1]}
    body, content_type = _multipart(fields, "file", "peserta.csv", "\n".join(rows).encode())
    browser.expect(
        path, method="POST", body=body, headers=browser.form_headers(path, content_type), status=302
    )
    preview = f"/staf/kegiatan/{event}/impor/pratinjau/"
    page, token = browser.form(preview)
    chosen = [("rows", line) for line in re.findall(r'name="rows" value="(\d+)"', page)]
    chosen += [("create_agency", name) for name in re.findall(r'name="create_agency" value="([^"]+)"', page)]
    if len(chosen) != count + 1:
        browser.failures.append(
            f"the import preview offers {len(chosen)} rows and new agencies, not {count + 1}"
        )
    form = urllib.parse.urlencode([("csrfmiddlewaretoken", token), *chosen])
    headers = browser.form_headers(preview, "application/x-www-form-urlencoded")
    browser.expect(preview, method="POST", body=form, headers=headers, status=302)


def document_job(browser: Browser, event: str) -> None:
    """Blank declarations for every attendee: too many to render in the request, a job for the task worker."""
    path = f"/staf/kegiatan/{event}/pakta-kosong.pdf"
    response, _content = browser.expect(path, status=302)
    job = urllib.parse.urlsplit(response.headers.get("Location", "")).path
    browser.expect(job, kind="text/html")
    state, deadline = {}, time.monotonic() + 300
    while time.monotonic() < deadline:
        _response, content, _elapsed = browser.request("GET", f"{job}status/")
        state = json.loads(content)
        if state.get("download_url") or state.get("status") == "failed":
            break
        time.sleep(1)
    print(f"    {job}: {state.get('status')}, {state.get('chunks_done')}/{state.get('chunks_total')} chunks")
    if not state.get("download_url"):
        browser.failures.append(f"{job}: the worker did not finish the document ({state})")
        return
    _response, pdf = browser.expect(state["download_url"], kind="application/pdf")
    if not pdf.startswith(b"%PDF"):
        browser.failures.append(f"{state['download_url']}: not a PDF")


def main(base: str, username: str, password: str) -> int:
    public = Browser(base)
    health(public)
    transport_security(public)
    public_pages(public)
    staff = Browser(base)
    events = staff_pages(staff, username, password)
    staff.expect(f"/staf/kegiatan/{events[0][0]}/lembar-tanda-tangan.pdf", kind="application/pdf")
    if open_event := phone_signing(public, events):
        import_attendees(staff, open_event, count=40)
        document_job(staff, open_event)
    failures = public.failures + staff.failures
    for failure in failures:
        print(f"FAILED: {failure}")
    print("prod-check: every answer as expected" if not failures else f"prod-check: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
