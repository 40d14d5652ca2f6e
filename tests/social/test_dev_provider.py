"""SOCIAL_DEV_PROVIDER=1: the demo and the server set up a provider a developer can click.

`linehub demo` binds Anna's dev provider account; `linehub serve` mounts the provider at
/dev-provider and a landing page that stands in for an app. The browser here does what
a developer's browser does: the provider's "log in as whom?" page, then the landing.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path

import httpx
import pytest

from app import create_app
from config import ConfigError, Settings
from models import SocialIdentity
from tests.helpers import linehub
from tests.servers import free_port, start_hub, stop_hub
from tests.social.flows import ANNA, BORIS, Hub

DEV_ENV = {
    "ENV": "development",
    "SOCIAL_DEV_PROVIDER": "1",
    "SECRET_KEY": "dev-provider-tests-" + "x" * 32,
    "ARGON2_TIME_COST": "1",
    "ARGON2_MEMORY_KIB": "1024",
    "ARGON2_PARALLELISM": "1",
    "LOG_FORMAT": "text",
}


@pytest.fixture
async def dev_hub(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[Hub, str]]:
    port = free_port()
    extra = {
        **DEV_ENV,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SMS_OUTBOX": str(tmp_path / "sms.jsonl"),
        "EMAIL_OUTBOX": str(tmp_path / "email.jsonl"),
    }
    code, output = await linehub(database_url, "demo", **extra)
    assert code == 0, output
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIAL_", "PUBLIC_URL"))}
    env.update(extra, DATABASE_URL=database_url)
    process = await start_hub(env, port, tmp_path / "hub.log")
    try:
        async with httpx.AsyncClient(base_url=env["PUBLIC_URL"], timeout=30) as http:
            yield Hub(http), output
    finally:
        await stop_hub(process)


async def click_through(browser: httpx.AsyncClient, url: str, subject: str) -> httpx.Response:
    """Open the provider's page and press the button of `subject`, as a person would."""
    page = await browser.get(url)
    assert page.status_code == 200
    form = re.search(r'<form method="get" action="([^"]+)"', page.text)
    assert form is not None, page.text
    action = unescape(form[1])
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    return await browser.get(
        action, params={k: unescape(v) for k, v in hidden.items()} | {"login_hint": subject}
    )


async def test_a_developer_logs_in_as_anna_and_binds_boris(dev_hub, browser) -> None:
    hub, printed = dev_hub
    landing = f"{hub.base}/auth/social/dev-landing"
    assert "/dev-provider" in printed
    assert landing in printed
    providers = (await hub.gql("{ socialProviders { id name kind } }"))["data"]
    assert providers["socialProviders"] == [{"id": "dev", "name": "Dev provider", "kind": "oidc"}]

    url = await hub.authorization_url("dev", redirect_uri=landing)
    arrived = await click_through(browser, url, "anna")
    assert arrived.url.path == "/auth/social/dev-landing"
    assert "completeSocialLogin" in arrived.text
    login = await hub.complete(arrived.url.params["code"])
    assert login["errors"] == []
    assert login["session"]["authMethod"] == "SOCIAL"

    boris = await hub.token(BORIS)
    url = await hub.authorization_url("dev", redirect_uri=landing, token=boris)
    arrived = await click_through(browser, url, "boris")
    assert (await hub.complete(arrived.url.params["code"], token=boris))["errors"] == []
    assert [i["displayName"] for i in await hub.identities(boris)] == ["Борис Петров"]
    assert await SocialIdentity.all().count() == 2
    assert [i["provider"]["id"] for i in await hub.identities(await hub.token(ANNA))] == ["dev"]


async def test_the_landing_page_shows_an_error_in_the_request_language(dev_hub, browser) -> None:
    hub, _ = dev_hub
    page = await browser.get(
        f"{hub.base}/auth/social/dev-landing?error=ACCESS_DENIED",
        headers={"Accept-Language": "ru"},
    )
    assert "Вход завершился ошибкой" in page.text
    assert "ACCESS_DENIED" in page.text


def test_production_refuses_the_dev_provider() -> None:
    settings = Settings(
        env="production",
        secret_key="p" * 40,
        social_dev_provider=True,
        sms_backend="http",
        sms_http_url="http://127.0.0.1:9/sms",
        email_backend="smtp",
        smtp_url="smtp://127.0.0.1:9",
    )
    with pytest.raises(ConfigError, match="SOCIAL_DEV_PROVIDER"):
        create_app(settings, manage_database=False)


async def test_turning_the_dev_provider_on_later_binds_anna_once(database_url: str, demo) -> None:
    """`make run` loads the demo only into an empty database; the binding comes anyway."""
    for _ in range(2):
        code, output = await linehub(database_url, "demo", "--if-empty", **DEV_ENV)
        assert code == 0, output
        assert "leaving it as it is" in output
    [identity] = await SocialIdentity.all().select_related("user")
    assert (identity.provider, identity.subject) == ("dev", "anna")
    assert identity.issuer == "http://127.0.0.1:8000/dev-provider"
    assert identity.user.name == demo["anna"].name
