"""E-mail out: printed (console), JSON lines (file), or sent through an SMTP server."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit

from gateways.outbox import JsonLinesOutbox

log = logging.getLogger("linehub.email")


class EmailNotSent(Exception):
    """The mail server could not take the message (down, refused, timed out)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes


NO_ATTACHMENTS: Sequence[Attachment] = ()


class EmailGateway(Protocol):
    async def send(
        self, to: str, subject: str, text: str, attachments: Sequence[Attachment] = NO_ATTACHMENTS
    ) -> None:
        """Hand the message on, or raise EmailNotSent."""
        ...


class ConsoleEmail:
    async def send(
        self, to: str, subject: str, text: str, attachments: Sequence[Attachment] = NO_ATTACHMENTS
    ) -> None:
        names = ", ".join(a.filename for a in attachments)
        log.info("e-mail to %s: %s\n%s%s", to, subject, text, f"\n[{names}]" if names else "")


class FileEmail:
    """One JSON object a line: {to, subject, text, sent_at}, and the attachments' names,
    types and sizes (not their content: the outbox is for reading what was sent)."""

    def __init__(self, path: str) -> None:
        self.outbox = JsonLinesOutbox(path)

    async def send(
        self, to: str, subject: str, text: str, attachments: Sequence[Attachment] = NO_ATTACHMENTS
    ) -> None:
        if not attachments:
            await self.outbox.append(to=to, subject=subject, text=text)
            return
        files = [
            {"filename": a.filename, "content_type": a.content_type, "size": len(a.data)}
            for a in attachments
        ]
        await self.outbox.append(to=to, subject=subject, text=text, attachments=files)


class SmtpEmail:
    """`smtp://user:pass@host:port` (or `smtps://`, or `?starttls=1`); sent off the loop."""

    def __init__(self, url: str, sender: str) -> None:
        self.url = urlsplit(url)
        self.sender = sender

    async def send(
        self, to: str, subject: str, text: str, attachments: Sequence[Attachment] = NO_ATTACHMENTS
    ) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(text)
        for attachment in attachments:
            main, _, sub = attachment.content_type.partition(";")[0].partition("/")
            message.add_attachment(
                attachment.data, maintype=main, subtype=sub, filename=attachment.filename
            )
        try:
            await asyncio.to_thread(self._send, message, to)
        except (OSError, smtplib.SMTPException) as exc:
            # the type only: the server's answer may quote the address or the login
            log.error("SMTP server did not take the message: %s", type(exc).__name__)
            raise EmailNotSent from exc

    def _send(self, message: EmailMessage, to: str) -> None:
        url = self.url
        smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
        with smtp_class(url.hostname or "localhost", url.port or 25, timeout=10) as smtp:
            if "starttls=1" in (url.query or ""):
                smtp.starttls()
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            # the one recipient, whatever a To header could be parsed into
            smtp.send_message(message, to_addrs=[to])


def email_gateway(backend: str, *, outbox: str, smtp_url: str | None, sender: str) -> EmailGateway:
    if backend == "file":
        return FileEmail(outbox)
    if backend == "smtp" and smtp_url:
        return SmtpEmail(smtp_url, sender)
    return ConsoleEmail()
