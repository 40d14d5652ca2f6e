"""Social login and binding through authlib (API.md section 6).

`SocialLogin` is built once per app from Settings and runs the flows; `providers` holds
the registry and presets; `protocol` is the provider side (authorization URL, code
exchange, ID token and userinfo); `models.social` keeps attempts, codes and identities.
"""

from auth.social.flow import CallbackError, CallbackResult, Completed, SocialLogin
from auth.social.protocol import ProviderAccount
from auth.social.providers import OAUTH2, OIDC, PRESETS, Preset, Provider, SocialProviders

__all__ = [
    "OAUTH2",
    "OIDC",
    "PRESETS",
    "CallbackError",
    "CallbackResult",
    "Completed",
    "Preset",
    "Provider",
    "ProviderAccount",
    "SocialLogin",
    "SocialProviders",
]
