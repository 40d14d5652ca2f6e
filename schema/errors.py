"""Turn every error into a coded, translated one; mask the unexpected ones.

Expected failures (DomainError, limits, syntax, validation) reach the client with a
stable `extensions.code` and a message in the request's language. Anything else is an
unexpected exception: the client sees INTERNAL and the request id, the log gets the
traceback under the same request id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.relay import GlobalIDValueError

from i18n import DEFAULT_LANGUAGE, translate
from models.errors import DomainError, ErrorCode
from schema.limits import LimitError

log = logging.getLogger("linehub.graphql")
TOKEN_LIMIT_HINT = "tokens. Parsing aborted"  # noqa: S105 - a parser message
NESTING_LIMIT_HINT = "nested too deeply. Parsing aborted"
# how graphql-core words a value that cannot be coerced to its type
COERCION_PREFIXES = ("Variable '$", "Expected value of type")
SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


def _language_and_request_id(context: Any) -> tuple[str, str]:
    return (
        getattr(context, "language", DEFAULT_LANGUAGE),
        getattr(context, "request_id", "-"),
    )


def _detail(error: GraphQLError, suggestions: bool) -> str:
    """graphql-core's message; without its "Did you mean" when suggestions are off, which
    would otherwise spell out the schema that switching introspection off hides."""
    return error.message if suggestions else SUGGESTION.sub("", error.message)


# graphql-core's NoSchemaIntrospectionCustomRule
INTROSPECTION_REFUSED = "GraphQL introspection has been disabled"


def present_error(
    error: GraphQLError,
    context: Any,
    limits: Any,
    suggestions: bool = True,
    *,
    schema_hidden: bool = False,
) -> GraphQLError:
    """One error as the client should see it (a new GraphQLError, same path and locations).

    `schema_hidden` (introspection off): graphql-core's own words about a document that
    does not fit ("Cannot query field 'x' on type 'Viewer'", "Expected type
    'AccessLevel'") name the schema's types and fields; only the code and the position
    are kept then.
    """
    language, request_id = _language_and_request_id(context)
    original = error.original_error
    code: str
    message: str
    extensions: dict[str, Any] = dict(error.extensions or {})
    if isinstance(original, DomainError):
        code, message = (
            original.code.value,
            translate(original.message_key, language, **original.params),
        )
        if original.field:
            extensions["field"] = original.field
        if isinstance(retry_after := original.params.get("retry_after"), int):
            extensions["retryAfter"] = retry_after
    elif isinstance(error, LimitError):
        code = extensions["code"]
        message = translate(error.message_key, language, **error.figures)
    elif isinstance(original, GlobalIDValueError):
        code, message = ErrorCode.INVALID_INPUT.value, translate("invalid_id", language)
    elif isinstance(original, RecursionError) or (
        isinstance(error, GraphQLSyntaxError) and NESTING_LIMIT_HINT in error.message
    ):
        # too deep for Python's stack: graphql-core's parser reports it as a syntax error
        code = ErrorCode.QUERY_TOO_DEEP.value
        depth = f">{limits.max_depth}"
        message = translate(code, language, depth=depth, max=limits.max_depth)
        extensions = {"max": limits.max_depth}
    elif isinstance(error, GraphQLSyntaxError) and TOKEN_LIMIT_HINT in error.message:
        code = ErrorCode.QUERY_TOO_LARGE.value
        message = translate(code, language, max=limits.max_tokens, max_bytes=limits.max_body_bytes)
    elif isinstance(error, GraphQLSyntaxError):
        code = "GRAPHQL_PARSE_FAILED"
        message = translate(code, language, detail=error.message)
    elif isinstance(original, GraphQLError) or error.message.startswith(COERCION_PREFIXES):
        # a variable or literal could not be coerced to its type: bad input, not our fault
        # (anything else that raised, even a ValueError, is a bug and is masked below)
        code = ErrorCode.INVALID_INPUT.value
        message = (
            translate("invalid_value_hidden", language)
            if schema_hidden
            else translate("invalid_value", language, detail=_detail(error, suggestions))
        )
    elif original is None:
        # validation: graphql-core's English text is the detail, the frame is translated
        code = "GRAPHQL_VALIDATION_FAILED"
        # the refusal of introspection itself names nothing of the schema: it stays
        hide = schema_hidden and not error.message.startswith(INTROSPECTION_REFUSED)
        message = (
            translate("schema_mismatch_hidden", language)
            if hide
            else translate(code, language, detail=_detail(error, suggestions))
        )
    else:
        log.error(
            "unexpected error in %s (request %s): %r",
            ".".join(map(str, error.path or [])) or "operation",
            request_id,
            original,
            exc_info=(type(original), original, original.__traceback__),
            # the same id the client sees, even where the contextvar is not set (tests)
            extra={"request_id": request_id},
        )
        code = ErrorCode.INTERNAL.value
        message = translate(code, language, request_id=request_id)
        extensions = {"requestId": request_id}
    extensions["code"] = code
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


class ErrorPresenter(SchemaExtension):
    """Applies `present_error` to every error of the result, pre-execution ones included."""

    def __init__(
        self, *, limits: Any, suggestions: bool = True, schema_hidden: bool = False
    ) -> None:
        self.limits = limits
        self.suggestions = suggestions
        self.schema_hidden = schema_hidden

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            context = self.execution_context.context
            result.errors = [
                present_error(
                    e, context, self.limits, self.suggestions, schema_hidden=self.schema_hidden
                )
                for e in result.errors
            ]
