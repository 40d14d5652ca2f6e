"""Starting, stopping and restarting the acquirer: in tests, on a file, and from a shell."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from devacquirer import (
    CARD_DECLINED,
    CARD_SUCCESS,
    AcquirerConfig,
    AcquirerStore,
    Behaviour,
    create_acquirer_app,
    run_acquirer,
    serve_acquirer,
)
from devacquirer.cli import build_config, parse_saved_card
from tests.devacquirer.flows import create, fetch, method_body, pay, payment_body

REPO_ROOT = Path(__file__).resolve().parents[2]


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _refuses_connections(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_run_acquirer_serves_on_a_free_loopback_port_and_stops() -> None:
    behaviour = Behaviour()
    with run_acquirer(AcquirerConfig(behaviour=behaviour)) as acquirer:
        port = _port(acquirer.base_url)
        assert acquirer.base_url == f"http://127.0.0.1:{port}"
        assert acquirer.api_url == f"http://127.0.0.1:{port}/v3"
        assert acquirer.config.base_url == acquirer.base_url
        assert acquirer.behaviour is behaviour
        me = httpx.get(acquirer.api_url + "/me", auth=acquirer.auth)
        assert me.json()["account_id"] == "linehub-dev"
    assert _refuses_connections(port)


async def test_serve_acquirer_is_the_async_form() -> None:
    async with serve_acquirer() as acquirer, httpx.AsyncClient() as http:
        me = await http.get(acquirer.api_url + "/me", auth=acquirer.auth)
        assert me.status_code == 200
        port = _port(acquirer.base_url)
    assert _refuses_connections(port)


def test_the_app_needs_a_base_url() -> None:
    with pytest.raises(ValueError, match="base_url"):
        create_acquirer_app(AcquirerConfig())


async def test_a_store_on_file_keeps_saved_cards_and_payments_across_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "var" / "dev-acquirer.sqlite3"
    config = AcquirerConfig(store_path=path)
    async with httpx.AsyncClient() as browser:
        async with (
            serve_acquirer(config) as acquirer,
            httpx.AsyncClient(base_url=acquirer.api_url, auth=acquirer.auth) as api,
        ):
            first = await create(api, payment_body(save_payment_method=True))
            await pay(browser, first, CARD_SUCCESS)
            first = await fetch(api, first["id"])

        async with (
            serve_acquirer(config) as acquirer,
            httpx.AsyncClient(base_url=acquirer.api_url, auth=acquirer.auth) as api,
        ):
            # another port, the same payments and saved cards
            assert await fetch(api, first["id"]) == first
            later = await create(api, method_body(first["payment_method"]["id"]))
            assert later["status"] == "succeeded"
            assert later["payment_method"] == first["payment_method"]


async def test_cards_seeded_before_the_start_are_known_to_the_server(tmp_path: Path) -> None:
    path = tmp_path / "acquirer.sqlite3"
    declining = AcquirerStore(path).save_method(CARD_DECLINED, "12", "2030")

    async with (
        serve_acquirer(AcquirerConfig(store_path=path)) as acquirer,
        httpx.AsyncClient(base_url=acquirer.api_url, auth=acquirer.auth) as api,
    ):
        payment = await create(api, method_body(declining))
        assert payment["cancellation_details"]["reason"] == "general_decline"
    # a store handed to the runner is the one served
    store = AcquirerStore()
    seeded = store.save_method(CARD_SUCCESS, "12", "2030")
    async with (
        serve_acquirer(store=store) as acquirer,
        httpx.AsyncClient(base_url=acquirer.api_url, auth=acquirer.auth) as api,
    ):
        assert acquirer.store is store
        assert (await create(api, method_body(seeded)))["status"] == "succeeded"


def test_the_file_is_plain_sqlite_with_one_json_record_per_row(tmp_path: Path) -> None:
    path = tmp_path / "acquirer.sqlite3"
    method_id = AcquirerStore(path).save_method(CARD_SUCCESS, "12", "2030")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT kind, id FROM records").fetchall()
    assert rows == [("method", method_id)]


def test_cli_flags_make_the_config() -> None:
    config, cards, host, port = build_config(
        [
            "--port",
            "9123",
            "--shop-id",
            "shop",
            "--secret-key",
            "test_key",
            "--webhook",
            "http://127.0.0.1:8000/payments/webhook",
            "--duplicate-rate",
            "0.5",
            "--max-delay",
            "0",
            "--pending-expiry",
            "60",
            "--down",
            "503",
            "--store",
            "var/dev-acquirer.sqlite3",
            "--seed",
            "7",
            "--save-card",
            "5555 5555 5555 4477:12/30",
        ]
    )
    assert (host, port, config.base_url) == ("127.0.0.1", 9123, "http://127.0.0.1:9123")
    assert (config.shop_id, config.secret_key, config.seed) == ("shop", "test_key", 7)
    assert config.webhook_url == "http://127.0.0.1:8000/payments/webhook"
    assert config.store_path == "var/dev-acquirer.sqlite3"
    assert config.behaviour == Behaviour(
        duplicate_rate=0.5, max_delay_seconds=0.0, pending_expiry_seconds=60.0, down=503
    )
    assert cards == [("5555 5555 5555 4477", "12", "2030")]


def test_cli_defaults_misbehave_a_little_and_read_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEVACQUIRER_WEBHOOK", "http://127.0.0.1:8000/hook")
    monkeypatch.delenv("DEVACQUIRER_SHOP_ID", raising=False)
    config, cards, _, port = build_config([])
    assert port == 9100
    assert config.shop_id == "linehub-dev"
    assert config.webhook_url == "http://127.0.0.1:8000/hook"
    assert config.behaviour.duplicate_rate == 0.2
    assert config.store_path is None
    assert cards == []
    with pytest.raises(ValueError, match="NUMBER:MM/YY"):
        parse_saved_card("5555555555554477")
    with pytest.raises(SystemExit):
        build_config(["--duplicate-rate", "2"])


def test_python_m_devacquirer_serves_until_terminated(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = tmp_path / "acquirer.sqlite3"
    command = [sys.executable, "-m", "devacquirer", "--port", str(port), "--store", str(store)]
    process = subprocess.Popen(
        [*command, "--save-card", f"{CARD_SUCCESS}:12/30", "--duplicate-rate", "0"],
        cwd=REPO_ROOT,
        env={**os.environ, "DEVACQUIRER_SECRET_KEY": "test_from_env"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        api = f"http://127.0.0.1:{port}/v3"
        _wait_until_up(api, process)
        method_id = AcquirerStore(store).save_method(CARD_SUCCESS, "12", "2030")
        paid = httpx.post(
            api + "/payments",
            json=method_body(method_id),
            headers={"Idempotence-Key": "cli"},
            auth=("linehub-dev", "test_from_env"),
        )
        assert paid.json()["status"] == "succeeded"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"payment_method_id {method_id}" in output
    assert "*4477" in output
    assert CARD_SUCCESS not in output
    assert "Finished server process" in output
    assert process.returncode in (0, -signal.SIGTERM), output


def _wait_until_up(api: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"python -m devacquirer exited: {process.communicate()[0]}")
        try:
            httpx.get(api + "/me")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("python -m devacquirer did not start within 15 s")
