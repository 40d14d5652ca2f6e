"""GraphQL over HTTP at /graphql: strawberry's ASGI view, held to the GraphQL-over-HTTP spec.

Strawberry answers request-level problems with plain-text 400s and always uses
`application/json` with status 200. linehub instead:

- negotiates the response media type from `Accept`: `application/graphql-response+json`
  when the client names it, `application/json` otherwise, 406 when it accepts neither;
- answers a request error (nothing executed: parse, validation, limits, variables) under
  `application/graphql-response+json` with 400 and no `data` entry; under
  `application/json` with 200 and `data: null`, as the spec asks for legacy clients;
- refuses malformed requests (bad JSON, a non-object body, a batch, a missing or mistyped
  parameter) with 400 and a JSON error carrying `extensions.code`, never plain text;
- takes a POST only as `application/json` (or `application/graphql-response+json`), 415
  otherwise, so that a cross-site HTML form cannot post a mutation;
- runs queries only over GET: a mutation gets 405 with `Allow: POST`;
- serves GraphiQL only to a browser GET (one that asks for HTML), and only when enabled.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, NoReturn

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLRequestData, process_result
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from auth.sessions import ClientInfo
from i18n import negotiate, translate
from resolvers.context import Context
from schema.errors import present_error
from services import Services
from web.client import client_address
from web.errors import RequestError
from web.persisted import PersistedQueries, PersistedQueryNotFound, load_registered

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
# what a POST body may be; neither can be sent by an HTML form without CORS preflight
REQUEST_MEDIA_TYPES = frozenset({JSON, GRAPHQL_RESPONSE_JSON})
UTF8 = frozenset({"utf-8", "utf8"})


def message(key: str, language: str, **params: object) -> str:
    return translate(f"http.{key}", language, **params)


def _not_json(constant: str) -> NoReturn:
    """NaN and Infinity are not JSON, whatever Python's json module lets through."""
    raise ValueError(f"{constant} is not JSON")


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def response_media_type(accept: str | None) -> str | None:
    """The media type to answer with for this `Accept`, or None when it allows neither.

    Each candidate takes the q of the most specific range that matches it (RFC 9110).
    `application/graphql-response+json` needs to be named: a client that sends only
    `*/*` may predate it, and the spec asks for `application/json` then.
    """
    if accept is None or not accept.strip():
        return JSON
    best: dict[str, tuple[int, float]] = {}  # candidate -> (specificity, q)
    for part in accept.split(","):
        media_range, _, params = part.partition(";")
        media_range = media_range.strip().lower()
        q = _quality(params)
        for candidate, matches in (
            (GRAPHQL_RESPONSE_JSON, {GRAPHQL_RESPONSE_JSON: 2}),
            (JSON, {JSON: 2, "application/*": 1, "*/*": 0}),
        ):
            specificity = matches.get(media_range)
            if specificity is not None and specificity >= best.get(candidate, (-1, 0.0))[0]:
                best[candidate] = (specificity, q)
    graphql_q = best.get(GRAPHQL_RESPONSE_JSON, (0, 0.0))[1]
    json_q = best.get(JSON, (0, 0.0))[1]
    if graphql_q > 0 and graphql_q >= json_q:
        return GRAPHQL_RESPONSE_JSON
    return JSON if json_q > 0 else None


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def _clean_text(data: object) -> bool:
    """No NUL and no lone surrogate anywhere in the request's strings.

    JSON can carry both (`\\u0000`, `\\ud800`), but PostgreSQL refuses NUL in text and
    UTF-8 cannot encode a lone surrogate: refused here, once, they never reach a resolver.
    """
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return False
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def is_request_error(result: ExecutionResult) -> bool:
    """True when nothing executed: every error is request-wide (no path) and no data."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


class GraphQLView(GraphQL[Context, None]):
    """GraphQL over HTTP at /graphql: JSON POST, queries over GET, GraphiQL when enabled.

    Args:
        schema: the linehub schema (`schema.build_schema`).
        services: the process's services; their settings decide GraphiQL, proxies, limits.

    Example:
        Route("/graphql", GraphQLView(build_schema(settings), services))
    """

    def __init__(self, schema: BaseSchema, services: Services) -> None:
        settings = services.settings
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
        )
        self.services = services
        self.settings = settings
        registered = (
            load_registered(settings.persisted_queries_file)
            if settings.persisted_queries_file
            else None
        )
        self.persisted = PersistedQueries(settings.persisted_queries, registered)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        """The request as the resolvers see it: no Starlette type goes further."""
        ip, peer_trusted = client_address(request, self.settings.trusted_proxy_cidrs)
        headers = request.headers
        return Context(
            self.services,
            language=negotiate(headers.get("accept-language")),
            request_id=request.scope.get("state", {}).get("request_id", "-"),
            client=ClientInfo(headers.get("user-agent", ""), ip),
            peer_trusted=peer_trusted,
            network_msisdns=tuple(headers.getlist(self.settings.msisdn_header)),
            # an empty header is no credentials, as no header is
            credentials=headers.get("authorization") or None,
        )

    def encode_json(self, data: object) -> bytes:
        # UTF-8, compact, Cyrillic as is; in C (orjson): a 50-line answer is 22 kB
        return orjson.dumps(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return json.loads(data, parse_constant=_not_json)
        except ValueError as exc:
            # JSONDecodeError and UnicodeDecodeError are ValueErrors, and so is an integer
            # longer than Python converts (sys.get_int_max_str_digits())
            raise RequestError(400, "BAD_REQUEST", "malformed_json") from exc
        except RecursionError:
            # json's C decoder refuses deep nesting with RecursionError, not a decode error
            raise RequestError(400, "BAD_REQUEST", "json_too_deep") from None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # HTTP is handled here in full; strawberry's run() keeps WebSocket subscriptions
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.handle_http(request)
        except RequestError as error:
            response = self.error_response(request, error)
        await response(scope, receive, send)

    def error_response(self, request: Request, error: RequestError) -> Response:
        """A request refused before GraphQL: JSON body with the code, never plain text."""
        language = negotiate(request.headers.get("accept-language"))
        body = {
            "errors": [
                {
                    "message": message(error.key, language, **error.params),
                    "extensions": {"code": error.code},
                }
            ]
        }
        media_type = response_media_type(request.headers.get("accept")) or JSON
        return Response(
            self.encode_json(body),
            status_code=error.status,
            headers={**error.headers, "Vary": "Accept, Accept-Language"},
            media_type=_content_type(media_type),
        )

    def wants_graphiql(self, request: Request) -> bool:
        # a browser asks for HTML; curl and GraphQL clients (Accept */* or JSON) get JSON
        return (
            self.graphql_ide is not None
            and request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        )

    async def handle_http(self, request: Request) -> Response:
        """One GraphQL-over-HTTP request, from method checks to the negotiated response."""
        if request.method not in ("GET", "POST"):
            raise RequestError(405, "METHOD_NOT_ALLOWED", "method", headers={"Allow": "GET, POST"})
        if self.wants_graphiql(request):
            return HTMLResponse(self.graphql_ide_html)
        media_type = response_media_type(request.headers.get("accept"))
        if media_type is None:
            raise RequestError(406, "NOT_ACCEPTABLE", "not_acceptable")
        request_data = await self.read_request(request)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        try:
            request_data.query = self.persisted.document(
                request_data.query, request_data.extensions
            )
        except PersistedQueryNotFound as missing:
            # the protocol's own answer: the client sends the document with its hash next
            error = GraphQLError(missing.message, extensions={"code": missing.code})
            result = ExecutionResult(data=None, errors=[error])
        else:
            result = await self.execute(request, request_data, context)
        return self.graphql_response(result, context, media_type, sub_response)

    async def read_request(self, request: Request) -> GraphQLRequestData:
        """The GraphQL request in the query string (GET) or the JSON body (POST)."""
        if request.method == "GET":
            params: dict[str, Any] = dict(request.query_params)
            for name in ("variables", "extensions"):
                # `?variables=` with nothing after it means "none", as a missing one would
                params[name] = self.parse_json(params[name]) if params.get(name) else None
            return self.request_data(params)
        media_type, options = parse_content_type(request.headers.get("content-type", ""))
        if "content-type" not in request.headers or media_type.lower() not in REQUEST_MEDIA_TYPES:
            raise RequestError(415, "UNSUPPORTED_MEDIA_TYPE", "media_type")
        if options.get("charset", "utf-8").lower() not in UTF8:
            raise RequestError(415, "UNSUPPORTED_MEDIA_TYPE", "media_type")
        return self.request_data(self.parse_json(await request.body()))

    def request_data(self, data: object) -> GraphQLRequestData:
        """Check the request's shape; each fault is a 400 with a code before GraphQL runs."""
        if isinstance(data, list):
            raise RequestError(400, "BAD_REQUEST", "batching")
        if not isinstance(data, dict):
            raise RequestError(400, "BAD_REQUEST", "not_an_object")
        query = data.get("query")
        named = isinstance(data.get("extensions"), dict) and "persistedQuery" in data["extensions"]
        if query == "" or (query is None and not named):
            # a persisted query may come without its document (web.persisted)
            raise RequestError(400, "BAD_REQUEST", "missing_query")
        checks = (("query", str), ("operationName", str), ("variables", dict), ("extensions", dict))
        for name, kind in checks:
            value = data.get(name)
            if value is not None and not isinstance(value, kind):
                key = "not_a_string" if kind is str else "not_a_map"
                raise RequestError(400, "BAD_REQUEST", key, name=name)
        if not _clean_text(data):
            raise RequestError(400, "BAD_REQUEST", "bad_text")
        return GraphQLRequestData(
            query=query,
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
        )

    async def execute(
        self, request: Request, data: GraphQLRequestData, context: Context
    ) -> ExecutionResult:
        # subscriptions are for WebSocket; over HTTP, GET may only read
        allowed = {OperationType.QUERY}
        if request.method == "POST":
            allowed.add(OperationType.MUTATION)
        limits = self.settings.limits
        try:
            # the request's time budget; PostgreSQL stops each statement at the same mark
            # (models.tortoise_config), and cancelling rolls back an open transaction
            async with asyncio.timeout(limits.request_seconds):
                return await self.schema.execute(
                    data.query,
                    variable_values=data.variables,
                    context_value=context,
                    # no root value (GraphQL[Context, None]): resolvers read the context only
                    root_value=None,
                    operation_name=data.operation_name,
                    allowed_operation_types=allowed,
                    operation_extensions=data.extensions,
                )
        except TimeoutError:
            seconds = f"{limits.request_seconds:g}"
            text = translate("TIMEOUT", context.language, seconds=seconds)
            extensions = {"code": "TIMEOUT", "seconds": limits.request_seconds}
            return ExecutionResult(data=None, errors=[GraphQLError(text, extensions=extensions)])
        except InvalidOperationTypeError as exc:
            if exc.operation_type is OperationType.MUTATION:
                raise RequestError(
                    405, "METHOD_NOT_ALLOWED", "mutation_over_get", headers={"Allow": "POST"}
                ) from exc
            return self.request_error(context, "subscription_over_http")
        except CannotGetOperationTypeError as exc:
            if exc.operation_name is None:
                return self.request_error(context, "operation_required")
            return self.request_error(context, "unknown_operation", name=exc.operation_name)
        except MissingQueryError as exc:  # pragma: no cover - request_data refused it already
            raise RequestError(400, "BAD_REQUEST", "missing_query") from exc

    def request_error(self, context: Context, key: str, **params: object) -> ExecutionResult:
        """A GraphQL request error (the document is fine as HTTP, wrong as GraphQL)."""
        text = message(key, context.language, **params)
        return ExecutionResult(
            data=None, errors=[GraphQLError(text, extensions={"code": "BAD_REQUEST"})]
        )

    def graphql_response(
        self, result: ExecutionResult, context: Context, media_type: str, sub_response: Response
    ) -> Response:
        """The result as JSON with the spec's status for the negotiated media type."""
        if result.errors:
            # errors that escaped the schema's presenter (an extension hook that raised,
            # say) still reach the client coded, and the unexpected ones masked
            result.errors = [
                e
                if (e.extensions or {}).get("code")
                else present_error(
                    e,
                    context,
                    self.settings.limits,
                    self.settings.suggestions,
                    schema_hidden=not self.settings.introspection,
                )
                for e in result.errors
            ]
        body: dict[str, Any] = dict(process_result(result))
        status = 200
        if media_type == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            # nothing executed: this media type has no `data` entry then, and a 4xx/5xx.
            # application/json keeps `data: null` and 200, which its (older) clients expect.
            body.pop("data", None)
            codes = {(e.get("extensions") or {}).get("code") for e in body["errors"]}
            status = 500 if "INTERNAL" in codes else 503 if "TIMEOUT" in codes else 400
        encoded = self.encode_json(body)
        cap = self.settings.limits.max_response_bytes
        if len(encoded) > cap:
            # the work is done, but a client (a phone on mobile data) is not sent megabytes;
            # the cost limit keeps this rare, this keeps it bounded
            text = translate("RESPONSE_TOO_LARGE", context.language, max=cap)
            error = {"message": text, "extensions": {"code": "RESPONSE_TOO_LARGE", "max": cap}}
            encoded = self.encode_json({"data": None, "errors": [error]})
        response = Response(
            encoded,
            status_code=sub_response.status_code or status,
            media_type=_content_type(media_type),
        )
        response.headers.raw.extend(sub_response.headers.raw)
        response.headers["Vary"] = "Accept, Accept-Language"
        if sub_response.background:
            response.background = sub_response.background
        return response
