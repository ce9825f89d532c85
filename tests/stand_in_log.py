"""A stand-in for the transparency log in tests: its contract, `pact_log_bundle(pact, kind=...)`, over a real
RFC 9162 Merkle tree of the pacts a test appends, so that the proofs documents embed really verify."""

import base64
import hashlib
import json
import sys
import types

ORIGIN = "netralitas.test/log"


def _leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def tree_root(leaves: list[bytes]) -> bytes:
    """MTH (RFC 9162, 2.1.1)."""
    if len(leaves) == 1:
        return _leaf_hash(leaves[0])
    k = _split(len(leaves))
    return _node(tree_root(leaves[:k]), tree_root(leaves[k:]))


def inclusion_path(index: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (RFC 9162, 2.1.3.1)."""
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return inclusion_path(index, leaves[:k]) + [tree_root(leaves[k:])]
    return inclusion_path(index - k, leaves[k:]) + [tree_root(leaves[:k])]


class StandInLog:
    def __init__(self):
        self.leaves: list[bytes] = []
        self.positions: dict[tuple[int, str], int] = {}
        self.bundles: dict[tuple[int, str], dict] = {}  # for the current tree size

    def append(self, pact, kind: str = "pact") -> bytes:
        leaf = json.dumps(
            {"kind": kind, "code": pact.code, "commitment": pact.content_hash},
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        self.positions[(pact.pk, kind)] = len(self.leaves)
        self.leaves.append(leaf)
        self.bundles.clear()
        return leaf

    def pact_log_bundle(self, pact, kind: str = "pact") -> dict | None:
        index = self.positions.get((pact.pk, kind))
        if index is None:
            return None
        if (pact.pk, kind) not in self.bundles:
            self.bundles[(pact.pk, kind)] = self._bundle(index)
        return self.bundles[(pact.pk, kind)]

    def pacts_log_bundles(self, pacts, kind: str = "pact") -> dict[int, dict]:
        found = {pact.pk: self.pact_log_bundle(pact, kind) for pact in pacts}
        return {pk: bundle for pk, bundle in found.items() if bundle is not None}

    def _bundle(self, index: int) -> dict:
        root = tree_root(self.leaves)
        size = len(self.leaves)
        return {
            "leaf": self.leaves[index],
            "leaf_index": index,
            "tree_size": size,
            "proof": inclusion_path(index, self.leaves),
            "checkpoint": f"{ORIGIN}\n{size}\n{base64.b64encode(root).decode()}\n\n— {ORIGIN} c3RhbmQtaW4=\n",
        }

    def modules(self) -> dict[str, types.ModuleType]:
        """`pledges.transparency.services` as this stand-in, to put into `sys.modules`."""
        package = types.ModuleType("pledges.transparency")
        package.__path__ = []
        services = types.ModuleType("pledges.transparency.services")
        services.pact_log_bundle = self.pact_log_bundle
        services.pacts_log_bundles = self.pacts_log_bundles
        package.services = services
        return {"pledges.transparency": package, "pledges.transparency.services": services}

    def install(self, monkeypatch) -> None:
        """Stand in for the log for one test, whether or not the real app is installed."""
        for name, module in self.modules().items():
            monkeypatch.setitem(sys.modules, name, module)
