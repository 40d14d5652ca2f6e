"""Every attack and every provider failure sends the app an error code and changes nothing."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from devprovider import RunningProvider
from models import Session, SocialAttempt, SocialIdentity, SocialLoginCode
from tests.social.flows import (
    ANNA,
    APP,
    Hub,
    as_user,
    bind,
    code_for,
    provider_redirect,
    to_app,
)

# switch, value, the error the app gets, and what the hub logs as the reason: each check
# is seen to be the one that refused, not merely some failure on the way
MISBEHAVIOUR = [
    pytest.param(
        "nonce", "wrong", "INVALID_ID_TOKEN", "Invalid claim: 'nonce'", id="nonce-mismatch"
    ),
    pytest.param("nonce", "omit", "INVALID_ID_TOKEN", "Missing claim: 'nonce'", id="nonce-missing"),
    pytest.param(
        "wrong_audience", True, "INVALID_ID_TOKEN", "Invalid claim: 'aud'", id="wrong-aud"
    ),
    pytest.param(
        "expired_id_token", True, "INVALID_ID_TOKEN", "ExpiredTokenError", id="expired-id-token"
    ),
    pytest.param(
        "foreign_signing_key", True, "INVALID_ID_TOKEN", "BadSignatureError", id="foreign-key"
    ),
    pytest.param("wrong_issuer", True, "INVALID_ID_TOKEN", "Invalid claim: 'iss'", id="wrong-iss"),
    pytest.param("user_cancels", True, "ACCESS_DENIED", "refused: access_denied", id="cancel"),
    pytest.param(
        "provider_down", 503, "PROVIDER_UNAVAILABLE", "503 Service Unavailable", id="down-503"
    ),
    pytest.param(
        "provider_down", 500, "PROVIDER_UNAVAILABLE", "500 Internal Server Error", id="down-500"
    ),
]


async def _nothing_changed(sessions_before: int) -> None:
    assert await SocialIdentity.all().count() == 0
    assert await SocialLoginCode.all().count() == 0
    assert await Session.all().count() == sessions_before


@pytest.mark.parametrize(("switch", "value", "error", "reason"), MISBEHAVIOUR)
async def test_a_misbehaving_provider_binds_nothing(
    hub: Hub,
    browser: httpx.AsyncClient,
    provider: RunningProvider,
    demo,
    switch,
    value,
    error,
    reason,
) -> None:
    anna = await hub.token(ANNA)
    sessions = await Session.all().count()
    url = await hub.authorization_url(token=anna)
    setattr(provider.behaviour, switch, value)
    mark = hub.log_mark()
    assert dict(await to_app(browser, as_user(url, "anna-sub"))) == {"error": error}
    await _nothing_changed(sessions)
    [refusal] = [line for line in hub.logged_since(mark).splitlines() if "refused" in line]
    assert "social idp BIND refused" in refusal
    assert reason in refusal


@pytest.mark.parametrize(("switch", "value", "error", "reason"), MISBEHAVIOUR)
async def test_a_misbehaving_provider_logs_nobody_in(
    hub: Hub,
    browser: httpx.AsyncClient,
    provider: RunningProvider,
    demo,
    switch,
    value,
    error,
    reason,
) -> None:
    anna = await hub.token(ANNA)
    assert (await bind(hub, browser, anna, "anna-sub"))["errors"] == []
    await SocialLoginCode.all().delete()
    sessions = await Session.all().count()
    url = await hub.authorization_url()
    setattr(provider.behaviour, switch, value)
    mark = hub.log_mark()
    assert dict(await to_app(browser, as_user(url, "anna-sub"))) == {"error": error}
    assert await SocialLoginCode.all().count() == 0
    assert await Session.all().count() == sessions
    assert reason in hub.logged_since(mark)


async def test_a_replayed_state_is_refused(hub: Hub, browser: httpx.AsyncClient, demo) -> None:
    anna = await hub.token(ANNA)
    url = await hub.authorization_url(token=anna)
    callback = await provider_redirect(browser, as_user(url, "anna-sub"))
    assert "code" in await to_app(browser, str(callback))
    assert dict(await to_app(browser, str(callback))) == {"error": "INVALID_STATE"}
    assert await SocialLoginCode.all().count() == 1


async def test_an_expired_attempt_is_refused(hub: Hub, browser: httpx.AsyncClient, demo) -> None:
    anna = await hub.token(ANNA)
    url = await hub.authorization_url(token=anna)
    callback = await provider_redirect(browser, as_user(url, "anna-sub"))
    await SocialAttempt.all().update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert dict(await to_app(browser, str(callback))) == {"error": "INVALID_STATE"}
    await _nothing_changed(await Session.all().count())


async def test_a_tampered_pkce_verifier_is_refused_by_the_provider(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    anna = await hub.token(ANNA)
    url = await hub.authorization_url(token=anna)
    await SocialAttempt.all().update(code_verifier=secrets.token_urlsafe(64))
    assert dict(await to_app(browser, as_user(url, "anna-sub"))) == {"error": "PROVIDER_ERROR"}
    await _nothing_changed(await Session.all().count())


async def test_a_callback_delivered_to_another_provider_is_refused(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    """Mix-up: idp's code and state arrive at idp2's callback. The code is never sent to
    idp2's token endpoint, and the state is spent, so the genuine callback fails too."""
    anna = await hub.token(ANNA)
    url = await hub.authorization_url("idp", token=anna)
    callback = await provider_redirect(browser, as_user(url, "anna-sub"))
    assert callback.path == "/auth/social/idp/callback"
    mixed = callback.copy_with(path="/auth/social/idp2/callback")
    assert dict(await to_app(browser, str(mixed))) == {"error": "INVALID_STATE"}
    assert dict(await to_app(browser, str(callback))) == {"error": "INVALID_STATE"}
    await _nothing_changed(await Session.all().count())


async def test_a_foreign_issuer_in_the_callback_is_refused(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    """RFC 9207: a callback naming another issuer came from a provider we did not ask."""
    anna = await hub.token(ANNA)
    url = await hub.authorization_url(token=anna)
    callback = await provider_redirect(browser, as_user(url, "anna-sub"))
    forged = callback.copy_add_param("iss", "https://attacker.example")
    assert dict(await to_app(browser, str(forged))) == {"error": "INVALID_STATE"}
    await _nothing_changed(await Session.all().count())


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://attacker.example/done",
        "http://app.test/done/",
        "http://app.test/done?next=https://attacker.example",
        "http://APP.test/done",
        "http://app.test/don",
        "",
    ],
)
async def test_an_unregistered_redirect_uri_is_refused_at_start(
    hub: Hub, demo, redirect_uri: str
) -> None:
    for token in (None, await hub.token(ANNA)):
        payload = await hub.start(redirect_uri=redirect_uri, token=token)
        assert payload["authorizationUrl"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("INVALID_INPUT", ["redirectUri"])
        ]
    assert await SocialAttempt.all().count() == 0


async def test_an_unknown_provider_is_invalid_input(hub: Hub, demo) -> None:
    payload = await hub.start("nosuch")
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", ["provider"])]


async def test_a_provider_that_cannot_be_reached_is_not_available(hub: Hub, demo) -> None:
    payload = await hub.start("gone")
    assert payload["authorizationUrl"] is None
    assert [e["code"] for e in payload["errors"]] == ["NOT_AVAILABLE"]
    assert await SocialAttempt.all().count() == 0


@pytest.mark.parametrize("query", ["state=never-issued&code=x", "code=x", ""])
async def test_a_callback_with_no_known_state_goes_nowhere(
    hub: Hub, browser: httpx.AsyncClient, query: str
) -> None:
    response = await browser.get(f"{hub.base}/auth/social/idp/callback?{query}")
    assert response.status_code == 400
    assert response.url.host == "127.0.0.1"
    assert "start again" in response.text
    russian = await browser.get(
        f"{hub.base}/auth/social/idp/callback?{query}", headers={"Accept-Language": "ru"}
    )
    assert "начните заново" in russian.text


async def test_an_expired_one_time_code_is_refused(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    anna = await hub.token(ANNA)
    code = await code_for(hub, browser, "anna-sub", token=anna)
    await SocialLoginCode.all().update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    refused = await hub.complete(code, token=anna)
    assert [e["code"] for e in refused["errors"]] == ["INVALID_INPUT"]
    assert await SocialIdentity.all().count() == 0


async def test_the_redirect_to_the_app_is_a_303_without_a_referrer(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    url = await hub.authorization_url()
    callback = await provider_redirect(browser, as_user(url, "stranger"))
    response = await browser.get(str(callback), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{APP}?error=NOT_BOUND"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"


async def test_an_address_struck_from_the_configuration_meanwhile_gets_nothing(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    """The attempt began while the address was registered; by the callback it no longer
    is (a config change, or a worker deployed without it): the hub's page, no redirect."""
    url = await hub.authorization_url()
    callback = await provider_redirect(browser, as_user(url, "anna-sub"))
    await SocialAttempt.all().update(redirect_uri="https://old-app.example/done")
    response = await browser.get(str(callback))
    assert response.status_code == 400
    assert response.url.host == "127.0.0.1"
    await _nothing_changed(await Session.all().count())
