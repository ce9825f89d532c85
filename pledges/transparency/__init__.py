"""The public transparency log of pact signings and withdrawals (RFC 9162, C2SP checkpoints and witnesses).

This package's `__init__` imports nothing, so that `python -m pledges.transparency.verify` runs without Django.
"""
