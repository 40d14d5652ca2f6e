"""GET /exports/{token}: a finished job's file, by the signed link its owner was given.

Anything but a valid, unexpired link to a file that still exists is the same 404: a
guessed, tampered with, expired or withdrawn link tells nothing about which it was.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from auth.links import DownloadLinks
from models import job as job_model

PRIVATE = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404, headers=PRIVATE)


def download_endpoint(
    links: DownloadLinks, files_dir: str
) -> Callable[[Request], Awaitable[Response]]:
    root = Path(files_dir).resolve()

    async def download(request: Request) -> Response:
        token = str(request.path_params["token"])
        claims = links.parse(token)
        if claims is None:
            return _not_found()
        row = await job_model.downloadable(claims.job_id)
        if row is None or row.file_path is None or row.expires_at is None:
            return _not_found()
        if int(row.expires_at.timestamp()) != claims.expires_at:
            return _not_found()
        if not links.verify(token, row.file_path):
            return _not_found()
        path = root / row.file_path
        # the name is ours (jobs.user.file_path), but a row must never reach outside
        if path.parent != root or not await asyncio.to_thread(path.is_file):
            return _not_found()
        return FileResponse(
            path,
            media_type=row.content_type or "application/octet-stream",
            filename=row.file_name,
            headers=PRIVATE,
        )

    return download
