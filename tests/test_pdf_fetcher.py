"""The URL fetcher behind every PDF render: our static files and signature images, nothing else."""

import pytest
import segno
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from weasyprint.urls import FatalURLFetchingError

from pledges.pdf import engine
from pledges.pdf.documents import asset_roots
from pledges.pdf.fetcher import AssetFetcher, AssetRefused

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def fetcher(settings):
    settings.SITE_URL = SITE
    return AssetFetcher(asset_roots())


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/logo.png",
        "https://127.0.0.1:8000/static/pdf/print.css",
        f"{SITE}/admin/",
        f"{SITE}/static/pdf/print.css?x=1",
        f"{SITE}/static/..%2f..%2f..%2fetc%2fpasswd",
        f"{SITE}/static/../../../../etc/passwd",
        f"{SITE}/media/sheets/2024/01/scan.png",
        "data:text/html,<h1>x</h1>",
    ],
)
def test_it_refuses_what_is_not_one_of_our_assets(fetcher, url):
    with pytest.raises(AssetRefused):
        fetcher.fetch(url)


def test_it_serves_the_print_stylesheet(fetcher):
    response = fetcher.fetch(f"{SITE}/static/pdf/print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_it_serves_the_signatures_handed_to_the_document(settings):
    settings.SITE_URL = SITE
    name = "signatures/print/2024/01/ttd.jpg"
    fetcher = AssetFetcher(asset_roots(), {name: b"\xff\xd8\xff\xe0jpeg"})
    response = fetcher.fetch(f"{SITE}/media/{name}")
    assert response.content_type == "image/jpeg"
    assert response.read().startswith(b"\xff\xd8")


def test_it_never_reads_media_from_a_disk(fetcher, settings):
    """A signature that exists in MEDIA_ROOT but was not read through storage for this document is refused."""
    name = default_storage.save("signatures/print/2024/01/ttd.jpg", ContentFile(b"\xff\xd8\xff\xe0jpeg"))
    assert (settings.MEDIA_ROOT / name).is_file()
    with pytest.raises(AssetRefused):
        fetcher.fetch(f"{SITE}/media/{name}")


def test_a_document_naming_an_outside_file_is_not_rendered(settings, tmp_path):
    settings.SITE_URL = SITE
    for src in ("file:///etc/passwd", "http://example.org/tracker.png"):
        job = engine.RenderJob(
            html=f'<p>Halo</p><img src="{src}"><link rel="attachment" href="{src}">',
            roots=asset_roots(),
            stylesheet_url=f"{SITE}/static/pdf/print.css",
            out_path=tmp_path / "x.pdf",
        )
        with pytest.raises(FatalURLFetchingError):
            engine.render(job)
        assert not (tmp_path / "x.pdf").exists()


def test_it_reads_the_png_data_urls_documents_generate_for_qr_codes(fetcher):
    url = segno.make("http://127.0.0.1:8000/verifikasi/ABC/").png_data_uri()
    response = fetcher.fetch(url)
    assert response.content_type == "image/png"
    assert response.read().startswith(b"\x89PNG")
    with pytest.raises(AssetRefused):
        fetcher.fetch("data:image/png;base64,not*base64")
