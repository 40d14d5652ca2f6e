"""Strawberry's ASGI view, with linehub's request context."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from config import Settings
from i18n import negotiate
from resolvers.context import Context
from web.client import client_address


class GraphQLView(GraphQL):
    """GraphQL over HTTP at /graphql: JSON POST, queries over GET, GraphiQL when enabled."""

    def __init__(self, schema: Any, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
        )
        self.settings = settings

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        ip, peer_trusted = client_address(request, self.settings.trusted_proxy_cidrs)
        return Context(
            request=request,  # type: ignore[arg-type]
            response=response if isinstance(response, Response) else None,
            settings=self.settings,
            language=negotiate(request.headers.get("accept-language")),
            request_id=request.scope.get("state", {}).get("request_id", "-"),
            client_ip=ip,
            peer_trusted=peer_trusted,
        )

    def encode_json(self, data: object) -> str:
        # Cyrillic stays readable on the wire and in logs; JSON is UTF-8 by definition
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
