"""The http SMS backend: a real HTTP gateway gets {to, text}; the request does not wait."""

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateways.sms import HttpSms
from tests.helpers import REQUEST_PASSWORD


class Gateway:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.arrived = asyncio.Event()
        self.delay = 0.0

    async def sms(self, request: Request) -> JSONResponse:
        await asyncio.sleep(self.delay)
        self.received.append(await request.json())
        self.arrived.set()
        return JSONResponse({"accepted": True})


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[Gateway, str]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    state = Gateway()
    app = Starlette(routes=[Route("/sms", state.sms, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn offers no event for "started"; poll its flag
        if server.started:
            break
        await asyncio.sleep(0.01)
    yield state, f"http://127.0.0.1:{port}/sms"
    server.should_exit = True
    await task


async def test_a_temporary_password_reaches_the_http_gateway(
    make_gql, settings, demo, gateway
) -> None:
    state, url = gateway
    gql = make_gql(dataclasses.replace(settings, sms_backend="http", sms_http_url=url))
    assert (await gql(REQUEST_PASSWORD, {"login": "9031234567"}))["data"]["requestPassword"] == {
        "errors": []
    }
    await asyncio.wait_for(state.arrived.wait(), timeout=10)
    (sms,) = state.received
    assert sms["to"] == "9031234567"
    assert "Временный пароль" in sms["text"]


async def test_send_does_not_wait_and_close_delivers_what_is_in_flight(gateway) -> None:
    state, url = gateway
    state.delay = 0.2
    sms = HttpSms(url)
    await sms.send("9031234567", "one")
    await sms.send("9031234568", "two")
    assert state.received == []  # send() did not wait for the gateway
    await sms.close()
    assert sorted(m["text"] for m in state.received) == ["one", "two"]
