"""Without subscriptions there is no WebSocket endpoint to run operations around HTTP's rules."""


async def test_graphql_over_websocket_is_refused(app) -> None:
    sent: list[dict] = []
    incoming = [{"type": "websocket.connect"}]

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": [(b"sec-websocket-protocol", b"graphql-transport-ws")],
        "subprotocols": ["graphql-transport-ws"],
        "client": ("203.0.113.10", 5000),
        "server": ("testserver", 80),
        "scheme": "ws",
        "root_path": "",
    }
    await app(scope, receive, send)
    assert sent[0]["type"] == "websocket.close"
    assert not any(m["type"] == "websocket.accept" for m in sent)
