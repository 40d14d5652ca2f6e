"""Anna binds a provider account, logs out, logs in with it; Boris cannot take it over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from models import Session, SocialAttempt, SocialIdentity, User
from tests.social.flows import (
    ANNA,
    BORIS,
    PROVIDERS,
    UNBIND,
    Hub,
    as_user,
    bind,
    code_for,
    social_login,
    to_app,
)

LOGOUT = "mutation { logout { errors { code } } }"
VIEWER_LOGIN = "{ viewer { user { login } session { authMethod accessCap } } }"


async def test_anna_binds_logs_out_and_logs_in_with_the_provider_account(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    anna = await hub.token(ANNA)
    bound = await bind(hub, browser, anna, "anna-sub")
    # a binding code returns the binder's own session, and no new tokens
    assert bound["errors"] == []
    assert bound["accessToken"] is None
    assert bound["session"]["authMethod"] == "PASSWORD"
    assert bound["session"]["current"] is True
    [identity] = await hub.identities(anna)
    assert identity["displayName"] == "Anna at IdP"
    assert identity["provider"] == {"id": "idp", "name": "Test IdP", "kind": "oidc"}
    assert identity["boundAt"]

    assert (await hub.gql(LOGOUT, token=anna))["data"]["logout"]["errors"] == []
    payload = await social_login(hub, browser, "anna-sub")
    assert payload["errors"] == []
    assert payload["session"]["authMethod"] == "SOCIAL"
    assert payload["session"]["accessCap"] == "FULL"
    assert payload["session"]["mustSetPassword"] is False
    assert payload["session"]["current"] is True
    assert payload["refreshToken"]
    viewer = (await hub.gql(VIEWER_LOGIN, token=payload["accessToken"]))["data"]["viewer"]
    assert viewer == {
        "user": {"login": ANNA},
        "session": {"authMethod": "SOCIAL", "accessCap": "FULL"},
    }


async def test_boris_cannot_bind_annas_account(hub: Hub, browser: httpx.AsyncClient, demo) -> None:
    anna, boris = await hub.token(ANNA), await hub.token(BORIS)
    assert (await bind(hub, browser, anna, "anna-sub"))["errors"] == []

    url = await hub.authorization_url(token=boris)
    params = await to_app(browser, as_user(url, "anna-sub"))
    assert dict(params) == {"error": "IDENTITY_IN_USE"}
    assert await hub.identities(boris) == []
    assert len(await hub.identities(anna)) == 1


async def test_two_people_racing_for_one_account_one_wins(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    """Both get past the callback before either completes; the unique key decides."""
    anna, boris = await hub.token(ANNA), await hub.token(BORIS)
    annas_code = await code_for(hub, browser, "anna-sub", token=anna)
    boris_code = await code_for(hub, browser, "anna-sub", token=boris)
    assert (await hub.complete(annas_code, token=anna))["errors"] == []
    refused = await hub.complete(boris_code, token=boris)
    assert [e["code"] for e in refused["errors"]] == ["IDENTITY_IN_USE"]
    assert await SocialIdentity.filter(user_id=(await _user(BORIS)).id).count() == 0


async def test_binding_again_to_the_same_person_changes_nothing(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    anna = await hub.token(ANNA)
    assert (await bind(hub, browser, anna, "anna-sub"))["errors"] == []
    assert (await bind(hub, browser, anna, "anna-sub"))["errors"] == []
    assert len(await hub.identities(anna)) == 1


async def test_an_unbound_account_cannot_log_in_and_opens_no_account(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    users, sessions = await User.all().count(), await Session.all().count()
    url = await hub.authorization_url()
    assert dict(await to_app(browser, as_user(url, "stranger"))) == {"error": "NOT_BOUND"}
    assert await User.all().count() == users
    assert await Session.all().count() == sessions
    assert await SocialIdentity.all().count() == 0


async def test_identities_are_keyed_by_subject_never_by_e_mail(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    anna = await hub.token(ANNA)
    assert (await bind(hub, browser, anna, "anna-sub"))["errors"] == []
    # another account at the same provider with Anna's e-mail address is not Anna
    url = await hub.authorization_url()
    assert dict(await to_app(browser, as_user(url, "anna-twin"))) == {"error": "NOT_BOUND"}


async def test_unbinding_stops_the_login(hub: Hub, browser: httpx.AsyncClient, demo) -> None:
    anna = await hub.token(ANNA)
    assert (await bind(hub, browser, anna, "anna-sub"))["errors"] == []
    [identity] = await hub.identities(anna)

    boris = await hub.token(BORIS)
    foreign = await hub.gql(UNBIND, {"id": identity["id"]}, token=boris)
    assert [e["code"] for e in foreign["data"]["unbindSocialIdentity"]["errors"]] == ["NOT_FOUND"]

    unbound = (await hub.gql(UNBIND, {"id": identity["id"]}, token=anna))["data"]
    assert unbound["unbindSocialIdentity"] == {
        "unboundIdentityId": identity["id"],
        "user": {"socialIdentities": []},
        "errors": [],
    }
    url = await hub.authorization_url()
    assert dict(await to_app(browser, as_user(url, "anna-sub"))) == {"error": "NOT_BOUND"}


async def test_a_login_code_unbound_before_it_is_used_opens_nothing(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    anna = await hub.token(ANNA)
    assert (await bind(hub, browser, anna, "anna-sub"))["errors"] == []
    code = await code_for(hub, browser, "anna-sub")
    await SocialIdentity.all().delete()
    refused = await hub.complete(code)
    assert [e["code"] for e in refused["errors"]] == ["NOT_BOUND"]
    assert refused["accessToken"] is None


async def test_a_binding_code_binds_only_for_the_person_who_started_it(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    """A binding link pushed onto Boris's browser must not bind his account to Anna."""
    anna, boris = await hub.token(ANNA), await hub.token(BORIS)
    code = await code_for(hub, browser, "boris-sub", token=anna)

    no_token = await hub.complete(code)
    assert [e["code"] for e in no_token["errors"]] == ["UNAUTHENTICATED"]
    wrong_person = await hub.complete(code, token=boris)
    assert [e["code"] for e in wrong_person["errors"]] == ["INVALID_INPUT"]
    # presented by the wrong person, the code is spent
    assert [e["code"] for e in (await hub.complete(code, token=anna))["errors"]] == [
        "INVALID_INPUT"
    ]
    assert await SocialIdentity.all().count() == 0


async def test_a_limited_mobile_network_session_cannot_bind_or_unbind(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    """Social logins are FULL: a LIMITED session must not add a way in that is."""
    network = await hub.gql(
        "mutation { loginWithMobileNetwork { accessToken session { accessCap } errors { code } } }",
        headers={"X-MSISDN": "9031234568"},
    )
    payload = network["data"]["loginWithMobileNetwork"]
    assert payload["session"] == {"accessCap": "LIMITED"}
    refused = await hub.start(token=payload["accessToken"])
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert refused["authorizationUrl"] is None


async def test_a_one_time_code_works_once(hub: Hub, browser: httpx.AsyncClient, demo) -> None:
    anna = await hub.token(ANNA)
    assert (await bind(hub, browser, anna, "anna-sub"))["errors"] == []
    code = await code_for(hub, browser, "anna-sub")
    assert (await hub.complete(code))["errors"] == []
    again = await hub.complete(code)
    assert again["accessToken"] is None
    assert again["errors"][0]["code"] == "INVALID_INPUT"
    assert again["errors"][0]["field"] == ["code"]


async def test_the_app_gets_its_own_state_back(hub: Hub, browser: httpx.AsyncClient, demo) -> None:
    url = await hub.authorization_url(state="app-csrf-123")
    params = await to_app(browser, as_user(url, "stranger"))
    assert dict(params) == {"error": "NOT_BOUND", "state": "app-csrf-123"}


async def test_providers_are_listed_with_names_in_the_request_language(hub: Hub) -> None:
    english = (await hub.gql(PROVIDERS))["data"]["socialProviders"]
    assert {p["id"]: (p["name"], p["kind"]) for p in english} == {
        "gone": ("Gone", "oidc"),
        "idp": ("Test IdP", "oidc"),
        "idp2": ("Idp2", "oidc"),
        "plain": ("Plain", "oauth2"),
        "pub": ("Pub", "oidc"),
    }
    russian = await hub.gql(PROVIDERS, headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    names = {p["id"]: p["name"] for p in russian["data"]["socialProviders"]}
    assert names["idp"] == "Тестовый IdP"


async def _user(msisdn: str) -> User:
    from auth.lookup import find_user

    user = await find_user(msisdn)
    assert user is not None
    return user


async def test_binding_needs_a_recent_login(hub: Hub, demo) -> None:
    """A session kept alive by refreshing (a stolen one, say) cannot add its holder's
    provider account: that binding would outlive the victim's password change."""
    token = await hub.token(ANNA)
    await Session.all().update(created_at=datetime.now(UTC) - timedelta(minutes=16))
    refused = await hub.start(token=token)
    assert refused["authorizationUrl"] is None
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert "log in again" in refused["errors"][0]["message"]
    assert await SocialAttempt.all().count() == 0
    fresh = await hub.start(token=await hub.token(ANNA))
    assert fresh["errors"] == []
    assert fresh["authorizationUrl"]
