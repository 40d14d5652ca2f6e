"""The few HTML pages the hub shows a browser itself (everything else is the app's)."""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

# the pages carry codes and states: not cached, and no Referer takes them elsewhere
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; }}
pre {{ background: #f4f4f4; padding: 1rem; white-space: pre-wrap; }}</style></head>
<body><h1>{title}</h1>
{body}
</body></html>
"""


def page(language: str, title: str, body_html: str, *, status_code: int = 200) -> HTMLResponse:
    """A minimal page: `title` is escaped here, `body_html` must be escaped by the caller."""
    html = _PAGE.format(lang=language, title=escape(title), body=body_html)
    return HTMLResponse(html, status_code=status_code, headers=NO_STORE)
