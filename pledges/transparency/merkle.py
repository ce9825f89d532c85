"""RFC 9162 Merkle trees: hashing, proof generation and proof verification (standard library only).

Proofs are generated as lists of leaf ranges whose tree hashes make up the proof (`inclusion_ranges`,
`consistency_ranges`), so that the same procedure serves the brute-force reference (hashing the leaves) and the
log (stored hashes of perfect subtrees, `perfect_pieces`). The verification functions follow RFC 9162 §2.1.3.2
and §2.1.4.2 step by step; the independent verifier imports this module, which therefore never imports Django.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32


class ProofError(ValueError):
    """A proof that does not verify, or a request for a proof that cannot exist."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


# --- The reference: hashing from the leaves (RFC 9162 §2.1.1) ----------------------------------------------


def root_of_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes, by the RFC's recursive definition."""
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return hashes[0]
    k = split_point(n)
    return node_hash(root_of_hashes(hashes[:k]), root_of_hashes(hashes[k:]))


def root(leaves: Sequence[bytes]) -> bytes:
    return root_of_hashes([leaf_hash(leaf) for leaf in leaves])


# --- Which subtrees a proof is made of (RFC 9162 §2.1.3.1 and §2.1.4.1) --------------------------------------


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """PATH(m, D[0:n]) as the ranges [start, end) whose tree hashes form it, leaf side first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index - start < k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) as ranges, in proof order."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to {second}")
    ranges: list[tuple[int, int]] = []
    start, end, m, whole = 0, second, first, True
    while True:
        if m == end - start:
            if not whole:
                ranges.append((start, end))
            break
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, whole = start + k, m - k, False
    ranges.reverse()
    return ranges


# --- Perfect subtrees: what the log stores ------------------------------------------------------------------


def node_id(level: int, index: int) -> int:
    """One integer per perfect subtree (2^level leaves from index * 2^level): in-order numbering of the tree."""
    return (index << (level + 1)) + (1 << level) - 1


def perfect_pieces(start: int, end: int) -> list[tuple[int, int]]:
    """The aligned perfect subtrees, largest first, whose hashes fold (right to left) into MTH(D[start:end]).

    Valid for the ranges RFC 9162 produces, where `start` is a multiple of the largest power of two below
    `end - start` (true of every range in `inclusion_ranges` and `consistency_ranges`).
    """
    pieces = []
    while start < end:
        size = 1 << ((end - start).bit_length() - 1)
        while start % size:
            size >>= 1
        level = size.bit_length() - 1
        pieces.append((level, start >> level))
        start += size
    return pieces


def fold(hashes: Sequence[bytes]) -> bytes:
    """The tree hash of consecutive perfect subtrees, largest first (a right-leaning spine)."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def proof_from_store(
    ranges: Iterable[tuple[int, int]], lookup: Callable[[set[int]], dict[int, bytes]]
) -> list:
    """Hashes of the given ranges from stored perfect subtrees; `lookup` fetches node ids in one go."""
    ranges = list(ranges)
    pieces = [perfect_pieces(start, end) for start, end in ranges]
    wanted = {node_id(level, index) for piece in pieces for level, index in piece}
    stored = lookup(wanted) if wanted else {}
    missing = wanted - stored.keys()
    if missing:
        raise ProofError(f"{len(missing)} stored subtree hashes are missing")
    return [fold([stored[node_id(level, index)] for level, index in piece]) for piece in pieces]


class CompactRange:
    """The right edge of a growing tree: one perfect subtree per set bit of its size, largest first.

    Appending a leaf merges equal-sized subtrees; every subtree it completes is handed to `emit`, so that the
    log stores each perfect subtree hash exactly once.
    """

    def __init__(self, size: int, hashes: Sequence[bytes]):
        self.size = size
        self.hashes = list(hashes)

    @staticmethod
    def pieces(size: int) -> list[tuple[int, int]]:
        return perfect_pieces(0, size)

    def append(self, leaf_digest: bytes, emit: Callable[[int, int, bytes], None]) -> None:
        index, level, digest = self.size, 0, leaf_digest
        emit(0, index, digest)
        while index & 1:
            digest = node_hash(self.hashes.pop(), digest)
            index >>= 1
            level += 1
            emit(level, index, digest)
        self.hashes.append(digest)
        self.size += 1

    def root(self) -> bytes:
        return fold(self.hashes) if self.hashes else EMPTY_ROOT


# --- Verification, as RFC 9162 writes it --------------------------------------------------------------------


def verify_inclusion(*, index: int, size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes) -> None:
    """RFC 9162 §2.1.3.2; raises ProofError when the leaf is not at `index` in the tree with `root_hash`."""
    if index >= size:
        raise ProofError("leaf index is not smaller than the tree size")
    fn, sn = index, size - 1
    r = leaf_hash(leaf)
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    if r != root_hash:
        raise ProofError("inclusion proof does not lead to the checkpoint's root hash")


def verify_consistency(
    *, first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2; raises ProofError unless the tree of `second` leaves extends the one of `first`."""
    if first > second:
        raise ProofError("the first tree is larger than the second")
    if first == second:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if first_root != second_root:
            raise ProofError("same size, different root hashes: the history was rewritten")
        return
    if first == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first tree is a subtree of the second
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != first_root:
        raise ProofError(
            "consistency proof does not lead to the earlier root hash: the history was rewritten"
        )
    if sr != second_root:
        raise ProofError("consistency proof does not lead to the later root hash")
