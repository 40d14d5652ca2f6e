"""`linehub usage import FILE`: the network's usage records from a JSON-lines file, as
`POST /network/usage` takes them: read line by line, so a file of any size fits."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

from tortoise import Tortoise

from config import Settings
from models import tortoise_config
from models.ingest import ingest_lines

ERRORS_PRINTED = 20


def _lines(path: Path) -> Iterator[str]:
    # read on the loop: a command with nothing else to serve, and a chunk of lines is
    # rated between reads anyway
    with path.open(encoding="utf-8") as source:
        yield from source


async def import_usage(settings: Settings, path: str) -> int:
    """0 when every record was kept or known already, 1 when some were refused."""
    source = Path(path)
    if not await asyncio.to_thread(source.is_file):
        print(f"linehub usage: no such file {path}", file=sys.stderr)
        return 2
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        outcome = await ingest_lines(_lines(source))
    except UnicodeDecodeError:
        print("linehub usage: the file is not UTF-8", file=sys.stderr)
        return 2
    finally:
        await Tortoise.close_connections()
    for error in outcome.errors[:ERRORS_PRINTED]:
        print(f"line {error.line}: {error.code}: {error.message}", file=sys.stderr)
    more = len(outcome.errors) - ERRORS_PRINTED
    if more > 0:
        print(f"... and {more} more refused", file=sys.stderr)
    print(
        f"linehub usage: {outcome.accepted} accepted, {outcome.duplicates} duplicates, "
        f"{len(outcome.errors)} refused"
    )
    return 1 if outcome.errors else 0
