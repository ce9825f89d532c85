"""The requests of `make prod-check`, against a running production build (see deploy/prod-check.sh).

It plays the TLS proxy: every request comes with ``X-Forwarded-Proto: https`` and an ``X-Forwarded-For`` from
127.0.0.1, which gunicorn and the site trust there. Standard library only; exits 1 when any answer is wrong.

    python deploy/prod_check.py http://127.0.0.1:8110 USERNAME PASSWORD
"""

import http.client
import json
import re
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

    def login(self, username: str, password: str) -> None:
        """The real login form: CSRF cookie and token, Origin and Referer as a browser over HTTPS sends them."""
        _response, page = self.expect("/masuk/", kind="text/html")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + "/masuk/",
        }
        response, _content = self.expect("/masuk/", method="POST", body=form, headers=headers, status=302)
        if "sessionid" not in self.cookies:
            self.failures.append(f"login as {username}: no session cookie ({response.status})")


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
    if "error" in status.values():
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


def phone_signing(browser: Browser, events: list[tuple[str, str]]) -> None:
    """The page a phone opens from the hall's QR code, for an event open for signing."""
    for _event, path in events:
        _response, page = browser.expect(path, kind="text/html")
        if 'name="attendance_code"' in page:
            return
    browser.failures.append("no event's signing page asks for the attendance code (none open?)")


def documents(browser: Browser, event: str) -> None:
    # TODO(jobs): once the document jobs land, start a job here, poll its progress until done and fetch the
    # file the worker made; until then the staff sheet renders inside the request.
    _response, pdf = browser.expect(f"/staf/kegiatan/{event}/lembar-tanda-tangan.pdf", kind="application/pdf")
    if not pdf.startswith(b"%PDF"):
        browser.failures.append("the signature sheet is not a PDF")


def main(base: str, username: str, password: str) -> int:
    public = Browser(base)
    health(public)
    transport_security(public)
    public_pages(public)
    staff = Browser(base)
    events = staff_pages(staff, username, password)
    documents(staff, events[0][0])
    phone_signing(public, events)
    failures = public.failures + staff.failures
    for failure in failures:
        print(f"FAILED: {failure}")
    print("prod-check: every answer as expected" if not failures else f"prod-check: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
