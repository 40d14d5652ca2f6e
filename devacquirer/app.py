"""The Starlette application: the /v3 API and the confirmation pages, on one base URL."""

from __future__ import annotations

from starlette.applications import Starlette

from devacquirer.acquirer import Acquirer
from devacquirer.api import api_routes
from devacquirer.checkout import checkout_routes
from devacquirer.config import AcquirerConfig
from devacquirer.notifier import Notifier
from devacquirer.store import AcquirerStore


def create_acquirer_app(config: AcquirerConfig, store: AcquirerStore | None = None) -> Starlette:
    """Build the acquirer as an ASGI app.

    Args:
        config: shops, switches and `base_url`, which must be set and must be the URL the
            app is reached at, mount prefix included: confirmation URLs are built from it,
            not from the request, so the app works the same behind `Mount`.
        store: where payments and saved cards live; when `None`, a new one on
            `config.store_path` (memory only if that is `None` too).

    Example:
        >>> config = AcquirerConfig(base_url="http://127.0.0.1:8000/dev-acquirer")
        >>> app = Starlette(routes=[Mount("/dev-acquirer", create_acquirer_app(config))])
        >>> app.routes[0].app.state.acquirer.store.save_method("5555555555554477", "12", "30")
    """
    store = store if store is not None else AcquirerStore(config.store_path)
    acquirer = Acquirer(config, store, Notifier(config))
    app = Starlette(routes=[*api_routes(acquirer), *checkout_routes(acquirer)])
    # The runner hands these to tests (store, notifier); a debugger can poke at them too.
    app.state.acquirer = acquirer
    return app
