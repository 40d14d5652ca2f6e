"""The one HTML page: "log in as whom?", for a developer clicking through a flow by hand.

The form re-submits the original authorization request with `login_hint` set to the chosen
subject, so picking a user is exactly the automated path tests take. No password and no
consent screen: this provider exists to let the relying party's side be tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from devprovider.config import User

# Parameters the chooser sets itself; carrying the old ones along would repeat them, and
# authlib refuses repeated parameters.
_OWN_FIELDS = frozenset({"login_hint", "deny"})

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Dev provider: log in</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; }}
button {{ display: block; width: 100%; margin: .5rem 0; padding: .6rem; text-align: left; }}
.client {{ color: #555; }} .notice {{ color: #a00; }}
</style></head>
<body>
<h1>Log in to the dev provider</h1>
<p class="client">for <b>{client_id}</b></p>
{notice}
<form method="get" action="{action}">
{hidden}
{buttons}
<button type="submit" name="deny" value="1">Cancel (access_denied)</button>
</form>
</body></html>
"""


def chooser_page(
    action: str,
    params: Sequence[tuple[str, str]],
    users: Sequence[User],
    *,
    notice: str | None = None,
) -> str:
    """The user chooser for an authorization request that named no (known) user."""
    hidden = "\n".join(
        f'<input type="hidden" name="{escape(key)}" value="{escape(value)}">'
        for key, value in params
        if key not in _OWN_FIELDS
    )
    buttons = "\n".join(
        f'<button type="submit" name="login_hint" value="{escape(user.subject)}">'
        f"{escape(user.name)} &lt;{escape(user.email)}&gt;</button>"
        for user in users
    )
    client_id = next((value for key, value in params if key == "client_id"), "")
    return _PAGE.format(
        action=escape(action),
        client_id=escape(client_id),
        notice=f'<p class="notice">{escape(notice)}</p>' if notice else "",
        hidden=hidden,
        buttons=buttons,
    )
