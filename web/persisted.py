"""Persisted queries for mobile apps: the document sent once, then named by its hash.

The protocol is Apollo's automatic persisted queries, which Apollo Client and urql speak:
`extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}` with no `query`; an
unknown hash answers the GraphQL error `PersistedQueryNotFound`, and the client sends the
hash again with the document, which is checked against the hash and kept.

`PERSISTED_QUERIES`:
- `auto` (default): any document, named by hash or sent in full; hashes are learnt.
- `registered`: only the documents of `PERSISTED_QUERIES_FILE` (a JSON object of hash to
  document, checked at start), by hash or in full; nothing else runs and nothing is
  learnt. For production apps whose documents are all known at build time.
- `off`: documents in full only, as before.

Each worker learns on its own (a bounded LRU): a miss costs the client one round trip.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from config import PERSISTED_QUERY_MODES
from schema.lru import LRU
from web.errors import RequestError

# documents learnt per worker; each at most the request body limit
LEARNT = 1_000
# the GraphQL error the protocol defines: clients compare message and code literally
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"


class PersistedQueryNotFound(Exception):
    """The protocol's own GraphQL error (HTTP 200): the client retries with the document.
    Everything else the rules refuse is a RequestError, an HTTP 400."""

    code = "PERSISTED_QUERY_NOT_FOUND"
    message = NOT_FOUND_MESSAGE


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def load_registered(path: str) -> dict[str, str]:
    """The registered documents, every hash checked against its document."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a JSON object of sha256 hash to document")
    for digest, document in data.items():
        if not isinstance(document, str) or sha256_hex(document) != digest:
            raise ValueError(f"{path}: {digest!r} is not the SHA-256 of its document")
    return dict(data)


class PersistedQueries:
    """Turns a request's `query` and `extensions` into the document to run.

    Args:
        mode: one of config.PERSISTED_QUERY_MODES.
        registered: hash -> document, for `registered` (and known from the start in `auto`).
    """

    def __init__(self, mode: str = "auto", registered: dict[str, str] | None = None) -> None:
        if mode not in PERSISTED_QUERY_MODES:
            raise ValueError(f"PERSISTED_QUERIES must be one of {', '.join(PERSISTED_QUERY_MODES)}")
        self.mode = mode
        self.registered = dict(registered or {})
        self._learnt: LRU[str, str] = LRU(LEARNT)

    def document(self, query: str | None, extensions: dict[str, Any] | None) -> str:
        """The document to run; RequestError (400) or PersistedQueryNotFound."""
        digest = self._hash(extensions)
        if self.mode == "off" or (digest is None and self.mode == "auto"):
            if query is None:
                raise RequestError(400, "BAD_REQUEST", "missing_query")
            return query
        if digest is None:  # registered mode, a document in full
            if query is not None and sha256_hex(query) in self.registered:
                return query
            raise RequestError(400, "PERSISTED_QUERY_NOT_ALLOWED", "not_registered")
        if query is not None:
            # constant-time: the hash is the client's claim about the document
            if not hmac.compare_digest(sha256_hex(query), digest):
                raise RequestError(400, "BAD_REQUEST", "persisted_hash_mismatch")
            if self.mode == "registered" and digest not in self.registered:
                raise RequestError(400, "PERSISTED_QUERY_NOT_ALLOWED", "not_registered")
            self._learn(digest, query)
            return query
        known = self.registered.get(digest) or self._recall(digest)
        if known is None:
            if self.mode == "registered":
                raise RequestError(400, "PERSISTED_QUERY_NOT_ALLOWED", "not_registered")
            raise PersistedQueryNotFound
        return known

    @staticmethod
    def _hash(extensions: dict[str, Any] | None) -> str | None:
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return None
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise RequestError(400, "BAD_REQUEST", "persisted_query_shape")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise RequestError(400, "BAD_REQUEST", "persisted_query_shape")
        return digest.lower()

    def _learn(self, digest: str, document: str) -> None:
        if digest not in self.registered:
            self._learnt.put(digest, document)

    def _recall(self, digest: str) -> str | None:
        return self._learnt.get(digest)
