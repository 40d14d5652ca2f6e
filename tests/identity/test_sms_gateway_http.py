"""The http SMS backend: a real HTTP gateway gets {to, text}; the request does not wait."""

import asyncio
import dataclasses
import logging
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateways.sms import HttpSms
from i18n import translate
from tests.helpers import REQUEST_PASSWORD, temporary_password_from
from web.logs import configure_logging


class Gateway:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.arrived = asyncio.Event()
        self.delay = 0.0
        self.status = 200

    async def sms(self, request: Request) -> JSONResponse:
        await asyncio.sleep(self.delay)
        self.received.append(await request.json())
        self.arrived.set()
        return JSONResponse({"accepted": self.status == 200}, status_code=self.status)


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
    # no Accept-Language: the request's language is the default, English
    password = temporary_password_from(sms)
    assert sms["text"] == translate("temporary_password_sms", "en", password=password)


async def test_send_does_not_wait_and_close_delivers_what_is_in_flight(gateway) -> None:
    state, url = gateway
    state.delay = 0.2
    sms = HttpSms(url)
    await sms.send("9031234567", "one")
    await sms.send("9031234568", "two")
    assert state.received == []  # send() did not wait for the gateway
    await sms.close()
    assert sorted(m["text"] for m in state.received) == ["one", "two"]


async def test_a_failing_gateway_is_logged_without_its_credentials(gateway, caplog) -> None:
    state, url = gateway
    state.status = 503
    secret_url = url.replace("http://", "http://gwuser:gwpass@") + "?api_key=TOPSECRETKEY"
    caplog.set_level(logging.INFO)
    sms = HttpSms(secret_url)
    await sms.send("9031234567", "text")
    await sms.close()
    assert state.received  # it did reach the gateway, which refused it
    failure = [r.getMessage() for r in caplog.records if r.name == "linehub.sms"]
    assert failure == ["SMS gateway answered 503 for 9031234567"]
    # ours; httpx's own request line is silenced by configure_logging (next test)
    ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("linehub"))
    assert "gwpass" not in ours
    assert "TOPSECRETKEY" not in ours


def test_httpx_logs_no_request_urls_once_logging_is_configured() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("INFO")
        assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
        assert logging.getLogger("linehub.sms").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
