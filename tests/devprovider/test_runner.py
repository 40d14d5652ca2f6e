"""Starting and stopping the provider: in tests on loopback, and by hand from a shell."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from devprovider import (
    Behaviour,
    Client,
    ProviderConfig,
    User,
    create_provider_app,
    run_provider,
    serve_provider,
)
from devprovider.cli import (
    DEFAULT_CLIENT,
    build_config,
    parse_client,
    parse_misbehaviour,
    parse_user,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _refuses_connections(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_run_provider_serves_on_a_free_loopback_port_and_stops() -> None:
    behaviour = Behaviour()
    with run_provider(ProviderConfig(behaviour=behaviour)) as provider:
        port = int(provider.issuer.rsplit(":", 1)[1])
        assert provider.issuer == f"http://127.0.0.1:{port}"
        assert provider.behaviour is behaviour
        assert httpx.get(provider.metadata_url).json()["issuer"] == provider.issuer
    assert _refuses_connections(port)


def test_run_provider_keeps_an_explicit_issuer() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    issuer = f"http://127.0.0.1:{port}"
    with run_provider(ProviderConfig(issuer=issuer), port=port) as provider:
        assert provider.issuer == issuer
        assert httpx.get(f"{issuer}/.well-known/openid-configuration").status_code == 200


async def test_serve_provider_is_the_async_form() -> None:
    async with serve_provider() as provider, httpx.AsyncClient() as http:
        metadata = (await http.get(provider.metadata_url)).json()
        assert metadata["issuer"] == provider.issuer
        port = int(provider.issuer.rsplit(":", 1)[1])
    assert _refuses_connections(port)


async def test_serve_provider_stops_when_the_block_raises() -> None:
    ports: list[int] = []

    async def fail_inside() -> None:
        async with serve_provider() as provider:
            ports.append(int(provider.issuer.rsplit(":", 1)[1]))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_inside()
    assert _refuses_connections(ports[0])


def test_the_app_needs_an_issuer() -> None:
    with pytest.raises(ValueError, match="issuer"):
        create_provider_app(ProviderConfig())


def test_cli_specs_parse_clients_and_users() -> None:
    assert parse_client("web:s3cret:http://a.test/cb,http://b.test/cb") == Client(
        "web", "s3cret", ("http://a.test/cb", "http://b.test/cb")
    )
    assert parse_client("spa::http://a.test/cb").is_public
    assert parse_user("anna:Anna: the first:anna@example.test") == User(
        "anna", "Anna: the first", "anna@example.test"
    )
    with pytest.raises(ValueError, match="client"):
        parse_client("no-redirects:secret")
    with pytest.raises(ValueError, match="user"):
        parse_user("anna:Anna")


def test_cli_reads_clients_and_users_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEVPROVIDER_CLIENTS", "a:x:http://a.test/cb;b::http://b.test/cb")
    monkeypatch.setenv("DEVPROVIDER_USERS", "anna:Anna Ivanova:anna@example.test")
    config, host, port = build_config(["--port", "9123"])
    assert (host, port, config.issuer) == ("127.0.0.1", 9123, "http://127.0.0.1:9123")
    assert [c.client_id for c in config.clients] == ["a", "b"]
    assert [u.subject for u in config.users] == ["anna"]
    assert config.require_pkce


def test_cli_flags_win_over_the_environment_and_defaults_fill_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEVPROVIDER_CLIENTS", "a:x:http://a.test/cb")
    monkeypatch.delenv("DEVPROVIDER_USERS", raising=False)
    config, _, _ = build_config(["--client", "c:y:http://c.test/cb", "--pkce-optional"])
    assert [c.client_id for c in config.clients] == ["c"]
    assert [u.subject for u in config.users] == ["alice", "bob"]
    assert not config.require_pkce
    monkeypatch.delenv("DEVPROVIDER_CLIENTS")
    assert build_config([])[0].clients == [DEFAULT_CLIENT]


def test_cli_can_start_the_provider_misbehaving() -> None:
    config, _, _ = build_config(
        ["--misbehave", "user_cancels", "--misbehave", "nonce=omit", "--misbehave", "provider_down"]
    )
    assert config.behaviour == Behaviour(user_cancels=True, nonce="omit", provider_down=503)
    with pytest.raises(ValueError, match="nonce"):
        parse_misbehaviour(["nonce=sometimes"])
    with pytest.raises(ValueError, match="one of"):
        parse_misbehaviour(["be_nice"])


def test_python_m_devprovider_serves_until_terminated() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DEVPROVIDER_CLIENTS": "web:s3cret:http://127.0.0.1:3000/cb"}
    process = subprocess.Popen(
        [sys.executable, "-m", "devprovider", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        metadata = _wait_for_discovery(f"http://127.0.0.1:{port}", process)
        assert metadata["issuer"] == f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert "client web" in output
    # uvicorn shuts down cleanly, then re-raises SIGTERM so the exit status tells why.
    assert "Finished server process" in output
    assert process.returncode in (0, -signal.SIGTERM), output


def _wait_for_discovery(issuer: str, process: subprocess.Popen[str]) -> dict[str, object]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"python -m devprovider exited: {process.communicate()[0]}")
        try:
            return httpx.get(f"{issuer}/.well-known/openid-configuration").json()
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("python -m devprovider did not start within 15 s")
