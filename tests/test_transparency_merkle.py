"""RFC 9162 hashing and proofs against the RFC's own recursive definitions, on every tree of 1-64 leaves."""

import random

import pytest

from pledges.transparency import merkle


def mth(leaves):
    """MTH(D[n]) exactly as RFC 9162 §2.1.1 defines it."""
    n = len(leaves)
    if n == 1:
        return merkle.leaf_hash(leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return merkle.node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    """PATH(m, D[n]), RFC 9162 §2.1.3.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, whole):
    """SUBPROOF(m, D[n], b), RFC 9162 §2.1.4.1."""
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, leaves[:k], whole) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def make_leaves(n):
    return [f"leaf {i}".encode() for i in range(n)]


class Store:
    """Perfect subtree hashes as the log stores them, filled by appending leaves one by one."""

    def __init__(self, leaves):
        self.nodes = {}
        self.roots = []
        edge = merkle.CompactRange(0, [])
        for leaf in leaves:
            edge.append(merkle.leaf_hash(leaf), self.emit)
            self.roots.append(edge.root())

    def emit(self, level, index, digest):
        key = merkle.node_id(level, index)
        assert key not in self.nodes, "every perfect subtree is stored exactly once"
        self.nodes[key] = digest

    def lookup(self, wanted):
        return {key: self.nodes[key] for key in wanted if key in self.nodes}


@pytest.fixture(scope="module")
def small():
    leaves = make_leaves(64)
    return leaves, Store(leaves)


def test_it_hashes_as_rfc_9162_defines(small):
    leaves, store = small
    for n in range(1, 65):
        assert merkle.root(leaves[:n]) == mth(leaves[:n])
        assert store.roots[n - 1] == mth(leaves[:n])
    assert merkle.root([]) == merkle.EMPTY_ROOT


def test_it_makes_and_checks_every_inclusion_proof_up_to_64_leaves(small):
    leaves, store = small
    for n in range(1, 65):
        root = mth(leaves[:n])
        for m in range(n):
            expected = path(m, leaves[:n])
            proof = merkle.proof_from_store(merkle.inclusion_ranges(m, n), store.lookup)
            assert proof == expected, (m, n)
            merkle.verify_inclusion(index=m, size=n, leaf=leaves[m], proof=proof, root_hash=root)


def test_it_makes_and_checks_every_consistency_proof_up_to_64_leaves(small):
    leaves, store = small
    for n in range(1, 65):
        for m in range(1, n + 1):
            expected = subproof(m, leaves[:n], True)
            proof = merkle.proof_from_store(merkle.consistency_ranges(m, n), store.lookup)
            assert proof == expected, (m, n)
            merkle.verify_consistency(
                first=m, second=n, first_root=mth(leaves[:m]), second_root=mth(leaves[:n]), proof=proof
            )


def test_it_refuses_every_wrong_inclusion_proof(small):
    leaves, store = small
    for n in range(1, 33):
        root = mth(leaves[:n])
        for m in range(n):
            proof = merkle.proof_from_store(merkle.inclusion_ranges(m, n), store.lookup)
            bad_cases = [
                {"leaf": b"another leaf"},
                {"index": (m + 1) % n} if n > 1 else {"leaf": leaves[m] + b"!"},
                {"root_hash": mth(leaves[: n - 1]) if n > 1 else b"\0" * 32},
                {"proof": proof + [root]},
                {"size": n + 1, "root_hash": mth(leaves[: n + 1])},
            ]
            if proof:
                bad_cases += [{"proof": proof[:-1]}, {"proof": [bytes(32)] + proof[1:]}]
            for change in bad_cases:
                args = {"index": m, "size": n, "leaf": leaves[m], "proof": proof, "root_hash": root, **change}
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(**args)


def test_it_refuses_every_wrong_consistency_proof(small):
    leaves, store = small
    other = [b"rewritten"] + leaves[1:]
    for n in range(2, 33):
        for m in range(1, n):
            proof = merkle.proof_from_store(merkle.consistency_ranges(m, n), store.lookup)
            good = {"first": m, "second": n, "first_root": mth(leaves[:m]), "second_root": mth(leaves[:n])}
            bad_cases = [
                {"first_root": mth(other[:m])},  # the earlier tree had a different history
                {"second_root": mth(other[:n])},
                {"proof": proof[:-1]},
                {"proof": proof + [bytes(32)]},
                {"proof": [bytes(32)] + proof[1:]},
            ]
            if m + 1 < n:
                bad_cases.append({"first": m + 1})
            for change in bad_cases:
                with pytest.raises(merkle.ProofError):
                    merkle.verify_consistency(**{**good, "proof": proof, **change})


@pytest.mark.parametrize("seed", range(6))
def test_it_agrees_with_the_rfc_on_random_larger_trees(seed):
    rng = random.Random(seed)
    n = rng.randint(65, 1500)
    leaves = make_leaves(n)
    store = Store(leaves)
    root = mth(leaves)
    for m in rng.sample(range(n), 12):
        proof = merkle.proof_from_store(merkle.inclusion_ranges(m, n), store.lookup)
        assert proof == path(m, leaves)
        merkle.verify_inclusion(index=m, size=n, leaf=leaves[m], proof=proof, root_hash=root)
    for first in rng.sample(range(1, n + 1), 12):
        proof = merkle.proof_from_store(merkle.consistency_ranges(first, n), store.lookup)
        assert proof == subproof(first, leaves, True)
        merkle.verify_consistency(
            first=first, second=n, first_root=mth(leaves[:first]), second_root=root, proof=proof
        )


def test_a_proof_needs_only_logarithmically_many_stored_hashes():
    asked = []

    def lookup(wanted):
        asked.append(len(wanted))
        return dict.fromkeys(wanted, bytes(32))

    n = 1_000_003
    merkle.proof_from_store(merkle.inclusion_ranges(n - 5, n), lookup)
    merkle.proof_from_store(merkle.consistency_ranges(777_777, n), lookup)
    assert max(asked) <= 2 * n.bit_length()


def test_it_refuses_impossible_proof_requests():
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_ranges(5, 5)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_ranges(6, 5)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_ranges(0, 5)
