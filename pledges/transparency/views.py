"""The log's public endpoints, exactly the paths of issue 19 so that anyone can write a client from the list.

No login; rate-limited per address like verification; what can never change (earlier checkpoints, proofs for
a given size, entries below the tree size) is cacheable for a year, the latest checkpoint for a few seconds.
"""

import base64
import functools

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from events.http import accepts_body
from neutrality.clients import client_ip
from pledges.models import Pact, normalize_pact_code
from pledges.throttle import throttle_hit
from pledges.transparency import keys, services
from pledges.transparency.leaves import PACT, WITHDRAWAL

FOREVER = "public, max-age=31536000, immutable"
LATEST = "public, max-age=5"
MAX_COSIGN_BODY = 16_384


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _text(body: str, cache: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = cache
    return response


def _json(data: dict, cache: str) -> JsonResponse:
    response = JsonResponse(data)
    response["Cache-Control"] = cache
    return response


def log_endpoint(view):
    """Rate limit per client address; a LogError becomes a JSON error with its status."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not throttle_hit(scope="log", key=client_ip(request), limit=settings.LOG_RATE_LIMIT):
            response = _error("too many requests: wait a minute", 429)
            response["Retry-After"] = "60"
            return response
        try:
            return view(request, *args, **kwargs)
        except services.LogError as error:
            return _error(error.message, error.status)

    return wrapper


def _integer(request, name: str, default: int | None = None) -> int:
    value = request.GET.get(name)
    if value is None and default is not None:
        return default
    if value is None or not value.isdigit() or len(value) > 18:
        raise services.LogError(f"{name} must be a whole number of 0 or more")
    return int(value)


def _latest():
    checkpoint = services.latest_checkpoint()
    if checkpoint is None:
        raise services.LogError("the log has not signed a checkpoint yet", status=404)
    return checkpoint


@require_GET
@log_endpoint
def key(request):
    """The verifier key line, as Go's note package reads it."""
    return _text(f"{keys.log_verifier()}\n", "public, max-age=86400")


@require_GET
@log_endpoint
def checkpoint(request):
    return _text(services.checkpoint_note(_latest()), LATEST)


@require_GET
@log_endpoint
def checkpoint_at(request, size):
    found = services.checkpoint_at(size) if size < 2**62 else None  # beyond a bigint is no tree size
    if found is None:
        raise services.LogError(f"no checkpoint of size {size}", status=404)
    # Cosignatures can still arrive for an earlier checkpoint: cacheable for a short while only.
    return _text(services.checkpoint_note(found), "public, max-age=60")


@require_GET
@log_endpoint
def entries(request):
    """{"entries": [{"index", "leaf"}]}: from `start` to `end` inclusive (RFC 6962), at most 1,000."""
    start = _integer(request, "start")
    end = _integer(request, "end")
    rows = services.entries(start=start, end=end)
    complete = bool(rows) and rows[-1][0] == end
    return _json(
        {"entries": [{"index": index, "leaf": _b64(leaf)} for index, leaf in rows]},
        FOREVER if complete else LATEST,
    )


@require_GET
@log_endpoint
def inclusion(request):
    """The inclusion proof of a pact's signing (or `kind=withdrawal`) in the tree of `tree_size` (default:
    the latest checkpoint's)."""
    kind = request.GET.get("kind", PACT)
    if kind not in (PACT, WITHDRAWAL):
        raise services.LogError("kind is pact or withdrawal")
    pact = Pact.objects.filter(code=normalize_pact_code(request.GET.get("code"))).first()
    entry = services.pact_log_entry(pact, kind) if pact else None
    if entry is None:
        raise services.LogError("no such entry in the log (yet)", status=404)
    given = "tree_size" in request.GET
    tree_size = _integer(request, "tree_size", default=None if given else _latest().tree_size)
    if entry.index >= tree_size:
        raise services.LogError(f"entry {entry.index} is not in the tree of size {tree_size}")
    proof = services.inclusion_proof(index=entry.index, tree_size=tree_size)
    data = {
        "leaf_index": entry.index,
        "tree_size": tree_size,
        "leaf": _b64(bytes(entry.leaf)),
        "proof": [_b64(h) for h in proof],
    }
    return _json(data, FOREVER if given else LATEST)


@require_GET
@log_endpoint
def consistency(request):
    first, second = _integer(request, "first"), _integer(request, "second")
    if first > second:
        raise services.LogError("first must not be larger than second")
    proof = services.consistency_proof(first=first, second=second)
    return _json({"proof": [_b64(h) for h in proof]}, FOREVER)


@csrf_exempt  # a witness is a program posting a signed note, not a browser with a session
@accepts_body("text/plain")
@require_POST
@log_endpoint
def cosign(request):
    """A witness posts the checkpoint note with its cosignature line (C2SP tlog-cosignature)."""
    if len(request.body) > MAX_COSIGN_BODY:
        raise services.LogError("the note is too large", status=413)
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise services.LogError(services.COSIGN_MALFORMED) from None
    accepted = services.cosignatures_add(note_text=text)
    return JsonResponse({"accepted": accepted})
