"""A social flow from start to session: start, the provider's callback, completeSocialLogin.

1. `start` checks the provider and the app's redirect URI (registered, matched exactly),
   makes state, PKCE verifier and (OpenID Connect) nonce, stores them as an attempt row
   and answers the provider's authorization URL.
2. `callback` spends the attempt named by the state (once, within 10 minutes, only on
   the provider it was made for), exchanges the code with the verifier, verifies who the
   account is, and sends the browser back to the app with a one-time code, or with an
   error code and nothing changed.
3. `complete` exchanges the one-time code: a login opens a SOCIAL session; a binding
   binds the account, but only for the very person whose session started it, so a
   binding link pushed onto someone else's browser binds nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from auth.policy import AccountData, may_use_account
from auth.sessions import ClientInfo, IssuedSession, open_session
from auth.social.protocol import (
    InvalidIdToken,
    ProviderAccount,
    ProviderRefused,
    ProviderUnavailable,
    authorization_url,
    exchange_code,
    identify,
    load_metadata,
)
from auth.social.providers import Provider, SocialProviders
from auth.throttle import STARTS_PER_CLIENT, Throttle, client_key, enforce
from auth.tokens import AccessTokens
from config import Settings
from models import AuthMethod, Session, SocialAttempt, SocialIdentity, SocialPurpose, User
from models.errors import DomainError, ErrorCode
from models.social import (
    bind_identity,
    bound_identity,
    issue_code,
    live_code,
    open_attempt,
    secret_hash,
    spend_attempt,
    spend_code,
)

log = logging.getLogger("linehub.social")

MAX_APP_STATE = 200
MAX_PARAM = 2048


class CallbackError(StrEnum):
    """Why the browser came back to the app without a code (`?error=`); never translated."""

    ACCESS_DENIED = "ACCESS_DENIED"  # the person cancelled at the provider
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"  # down, unreachable, or a 5xx
    PROVIDER_ERROR = "PROVIDER_ERROR"  # an OAuth error: bad code, PKCE verifier mismatch
    INVALID_ID_TOKEN = "INVALID_ID_TOKEN"  # noqa: S105 - signature, iss, aud, exp or nonce
    INVALID_STATE = "INVALID_STATE"  # unknown, used or expired state, or another provider
    NOT_BOUND = "NOT_BOUND"  # login with an account bound to nobody
    IDENTITY_IN_USE = "IDENTITY_IN_USE"  # binding an account bound to someone else
    INTERNAL = "INTERNAL"


@dataclass(frozen=True)
class CallbackResult:
    """Where to send the browser; None when the state names no attempt (nowhere safe)."""

    redirect_to: str | None
    error: CallbackError | None = None


@dataclass(frozen=True)
class Completed:
    """completeSocialLogin's outcome: a new session (login) or the bound identity."""

    session: Session
    issued: IssuedSession | None = None
    identity: SocialIdentity | None = None


SessionGetter = Callable[[], Awaitable[Session]]


def _with_params(uri: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(uri)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


class SocialLogin:
    """Social login for one app: providers, the registered app URIs, the callback base.

    Args:
        providers: the configured providers.
        redirect_uris: the app URIs a flow may return to, compared exactly.
        public_url: the hub's public base URL; callbacks are
            `{public_url}/auth/social/{provider}/callback`.
    """

    def __init__(
        self, providers: SocialProviders, redirect_uris: frozenset[str], public_url: str
    ) -> None:
        self.providers = providers
        self.redirect_uris = redirect_uris
        self.public_url = public_url.rstrip("/")

    @classmethod
    def from_settings(cls, settings: Settings) -> SocialLogin:
        return cls(
            SocialProviders.from_configs(settings.social_providers),
            frozenset(settings.social_redirect_uris),
            settings.public_url,
        )

    def callback_uri(self, provider_id: str) -> str:
        return f"{self.public_url}/auth/social/{provider_id}/callback"

    async def start(
        self,
        provider_id: str,
        redirect_uri: str,
        *,
        purpose: SocialPurpose,
        user_id: int | None,
        app_state: str | None,
        throttle: Throttle,
        client_ip: str | None,
    ) -> str:
        """A new attempt; answers the provider's authorization URL."""
        provider = self.providers.get(provider_id)
        if provider is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "unknown_provider", field=["provider"])
        if redirect_uri not in self.redirect_uris:
            raise DomainError(
                ErrorCode.INVALID_INPUT, "redirect_uri_not_registered", field=["redirectUri"]
            )
        if app_state is not None and not 0 < len(app_state) <= MAX_APP_STATE:
            raise DomainError(ErrorCode.INVALID_INPUT, "app_state_length", field=["state"])
        await enforce(throttle, STARTS_PER_CLIENT.of(client_key(client_ip)))
        state = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)  # 86 characters: RFC 7636 wants 43 to 128
        nonce = secrets.token_urlsafe(32) if provider.openid else None
        callback = self.callback_uri(provider.id)
        try:
            url = await authorization_url(provider, callback, state, verifier, nonce)
        except ProviderUnavailable as exc:
            log.warning("social provider %s unavailable at start: %s", provider.id, exc)
            raise DomainError(ErrorCode.NOT_AVAILABLE, "provider_unavailable") from None
        await open_attempt(
            state_hash=secret_hash(state),
            provider=provider.id,
            purpose=purpose,
            user_id=user_id,
            code_verifier=verifier,
            nonce=nonce,
            callback_uri=callback,
            redirect_uri=redirect_uri,
            app_state=app_state,
        )
        return url

    async def callback(self, provider_id: str, params: Mapping[str, str]) -> CallbackResult:
        """Finish at the provider; every failure goes back to the app as `?error=`."""
        state = params.get("state", "")
        if not state or len(state) > MAX_PARAM:
            return CallbackResult(None, CallbackError.INVALID_STATE)
        attempt, spent = await spend_attempt(state)
        if attempt is None or attempt.redirect_uri not in self.redirect_uris:
            # an address struck from the configuration since the attempt began (or one
            # this worker was never given) gets nothing, not even an error: the hub's page
            return CallbackResult(None, CallbackError.INVALID_STATE)
        provider = self.providers.get(provider_id)
        if not spent or provider is None or attempt.provider != provider_id:
            # replayed, expired, or a callback of another provider (mix-up): the state is
            # spent all the same, and the other provider's code is never redeemed here
            log.warning(
                "social callback refused: state of %s (spent=%s) at %s",
                attempt.provider,
                spent,
                provider_id,
            )
            return self._back(attempt, error=CallbackError.INVALID_STATE)
        try:
            account = await self._account(provider, attempt, params)
            code = await self._code_for(provider, attempt, account)
        except _Refusal as refusal:
            log.info("social %s %s refused: %s", provider.id, attempt.purpose, refusal.detail)
            return self._back(attempt, error=refusal.error)
        except Exception:
            log.exception("social callback of %s failed", provider.id)
            return self._back(attempt, error=CallbackError.INTERNAL)
        return self._back(attempt, code=code)

    async def _account(
        self, provider: Provider, attempt: SocialAttempt, params: Mapping[str, str]
    ) -> ProviderAccount:
        if "error" in params:
            error = params["error"][:100]
            if error == "access_denied":
                raise _Refusal(CallbackError.ACCESS_DENIED, error)
            if error in ("temporarily_unavailable", "server_error"):
                raise _Refusal(CallbackError.PROVIDER_UNAVAILABLE, error)
            raise _Refusal(CallbackError.PROVIDER_ERROR, error)
        code = params.get("code", "")
        if not code or len(code) > MAX_PARAM:
            raise _Refusal(CallbackError.PROVIDER_ERROR, "no code")
        try:
            if provider.openid:
                await self._check_response_issuer(provider, params)
            token = await exchange_code(
                provider, code, attempt.code_verifier, attempt.callback_uri, params
            )
            return await identify(provider, token, attempt.nonce)
        except ProviderUnavailable as exc:
            raise _Refusal(CallbackError.PROVIDER_UNAVAILABLE, str(exc)) from exc
        except ProviderRefused as exc:
            raise _Refusal(CallbackError.PROVIDER_ERROR, str(exc)) from exc
        except InvalidIdToken as exc:
            raise _Refusal(CallbackError.INVALID_ID_TOKEN, str(exc)) from exc

    async def _check_response_issuer(self, provider: Provider, params: Mapping[str, str]) -> None:
        """RFC 9207: an `iss` in the callback must be this provider's (mix-up defence)."""
        metadata = await load_metadata(provider)
        required = metadata.get("authorization_response_iss_parameter_supported") is True
        if ("iss" in params or required) and params.get("iss") != metadata["issuer"]:
            raise _Refusal(CallbackError.INVALID_STATE, f"iss {params.get('iss')!r}")

    async def _code_for(
        self, provider: Provider, attempt: SocialAttempt, account: ProviderAccount
    ) -> str:
        bound = await bound_identity(account.issuer, account.subject)
        if attempt.purpose == SocialPurpose.LOGIN:
            if bound is None:
                # an account is opened with a number, never by a social login
                detail = f"not bound: {account.issuer} {account.subject}"
                raise _Refusal(CallbackError.NOT_BOUND, detail)
            user_id = bound.user_id
        else:
            # start() opens a binding attempt for the signed-in person only; one without
            # them is a bug, answered INTERNAL like any other failure below
            if attempt.user_id is None:
                raise RuntimeError(f"binding attempt {attempt.id} names no person")
            user_id = attempt.user_id
            if bound is not None and bound.user_id != user_id:
                detail = f"bound to another person: {account.issuer} {account.subject}"
                raise _Refusal(CallbackError.IDENTITY_IN_USE, detail)
        code = secrets.token_urlsafe(32)
        await issue_code(
            code,
            purpose=attempt.purpose,
            user_id=user_id,
            provider=provider.id,
            issuer=account.issuer,
            subject=account.subject,
            display_name=account.display_name,
        )
        return code

    def _back(
        self, attempt: SocialAttempt, *, code: str | None = None, error: CallbackError | None = None
    ) -> CallbackResult:
        params = {"code": code} if code else {"error": str(error)}
        if attempt.app_state:
            params["state"] = attempt.app_state
        return CallbackResult(_with_params(attempt.redirect_uri, params), error)

    async def complete(
        self, code: str, current_session: SessionGetter, client: ClientInfo, tokens: AccessTokens
    ) -> Completed:
        """Exchange the one-time code. A binding code needs the binder's own session, one
        the account policy lets change bound provider accounts (a FULL one)."""
        invalid = DomainError(ErrorCode.INVALID_INPUT, "invalid_social_code", field=["code"])
        row = await live_code(code) if code and len(code) <= MAX_PARAM else None
        if row is None:
            raise invalid
        if row.purpose == SocialPurpose.BIND:
            session = await current_session()
            if session.user_id != row.user_id:
                await spend_code(row)  # someone else's code: burn it, tell nothing
                raise invalid
            if not may_use_account(session.access_cap, AccountData.PROVIDER_ACCOUNTS):
                raise DomainError(ErrorCode.FORBIDDEN, "needs_full_session")
            if not await spend_code(row):
                raise invalid
            identity = await bind_identity(
                row.user_id,
                row.provider,
                row.issuer,
                row.subject,
                row.display_name,
            )
            return Completed(session=session, identity=identity)
        if not await spend_code(row):
            raise invalid
        bound = await bound_identity(row.issuer, row.subject)
        if bound is None or bound.user_id != row.user_id:
            raise DomainError(ErrorCode.NOT_BOUND)  # unbound since the callback
        user = await User.get(id=row.user_id)
        issued = await open_session(user, AuthMethod.SOCIAL, client, tokens)
        return Completed(session=issued.session, issued=issued)


class _Refusal(Exception):
    def __init__(self, error: CallbackError, detail: str) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail
