"""Parse and validate each distinct document once per process, not once per request.

A frontend sends the same few documents over and over; parsing and validating the
dashboard took 14 % of its CPU (issue 10). `DocumentCache` keeps the parsed document of
every text that validated clean, by its text, in a bounded LRU: the next request with
that text skips both steps. A document that failed to parse or validate is not kept, so
an attacker's stream of distinct bad documents cannot push the good ones out any faster
than distinct good ones would, and each still costs its own validation, as before.

The limits (`schema.limits.QueryLimitsExtension`) still run on every request: they
depend on the variables. Put this extension after it, so a document over the limits is
refused with the limit's code, never with a cached answer.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

from schema.lru import LRU

# texts longer than this are parsed every time: a cached document costs about ten times
# its text in memory, and the documents apps repeat are a few kilobytes
MAX_CACHED_TEXT = 16 * 1024
DEFAULT_ENTRIES = 256


class Documents(LRU[str, DocumentNode]):
    """The process's LRU of documents that parsed and validated clean, by text."""

    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        super().__init__(entries)

    def put(self, text: str, document: DocumentNode) -> None:
        if len(text) <= MAX_CACHED_TEXT:
            super().put(text, document)


class DocumentCache(SchemaExtension):
    """Reuse a known-good document: no parse, no validation.

    Args:
        documents: the process-wide cache, shared by every request's extension instance.
    """

    def __init__(self, *, documents: Documents) -> None:
        self.documents = documents
        self._known = False

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.query is not None and ctx.graphql_document is None:
            document = self.documents.get(ctx.query)
            if document is not None:
                ctx.graphql_document = document
                self._known = True
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if self._known and ctx.pre_execution_errors is None:
            # validated clean when it was cached; a limit error set before us stays
            ctx.pre_execution_errors = []
            yield
            return
        validating = ctx.pre_execution_errors is None
        yield
        document = ctx.graphql_document
        if validating and ctx.pre_execution_errors == [] and document is not None:
            assert ctx.query is not None
            self.documents.put(ctx.query, document)
