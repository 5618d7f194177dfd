"""Webhook mode: a small ASGI app (Starlette, served by uvicorn) in front of the Application.

Telegram posts updates to the path of WEBHOOK_URL with the secret token in the
`X-Telegram-Bot-Api-Secret-Token` header; a wrong or missing secret is refused with 403 and
never reaches the bot. A body over 1 MiB is refused unread (413), anything but a well-formed
update with 400; neither is logged beyond its size. `/healthz` answers the reverse proxy, which
is meant to be in front: LISTEN_HOST defaults to loopback. Several replicas can run behind one
proxy: they share nothing but the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from collections.abc import Iterator
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.app import AppType
from bot.config import Config
from bot.incoming import decode_update

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM once it has stopped serving, which would end the process before
    the Application finishes the updates it accepted; here the signal only asks it to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def request_exit(self) -> None:
        self.should_exit = True


def webhook_path(config: Config) -> str:
    return urlsplit(config.webhook_url or "").path or "/telegram"


def build_web_app(application: AppType, config: Config) -> Starlette:
    """The ASGI app: POST updates to the webhook path, GET /healthz."""
    secret = (config.webhook_secret or "").encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secret or not hmac.compare_digest(given, secret):
            return PlainTextResponse("forbidden", status_code=403)
        body = await _read_body(request, MAX_UPDATE_BYTES)
        if body is None:
            log.warning("webhook: refused a body over %d bytes", MAX_UPDATE_BYTES)
            return PlainTextResponse("too large", status_code=413)
        update = decode_update(body, application.bot)
        if update is None:  # its size only: the content may be a user's draft
            log.warning("webhook: refused a malformed update (%d bytes)", len(body))
            return PlainTextResponse("bad update", status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "running": application.running})

    return Starlette(
        routes=[
            Route(webhook_path(config), receive, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ]
    )


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to exceed `limit`: refused on its declared
    Content-Length before a byte is read, and counted while read (a chunked body declares none),
    so an oversized body never sits in memory."""
    declared = request.headers.get("content-length", "").lstrip("0")
    if declared.isdecimal() and (len(declared) > len(str(limit)) or int(declared) > limit):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def serve(application: AppType, config: Config) -> None:
    """Register the webhook, process updates until SIGTERM/SIGINT, then stop cleanly: uvicorn
    stops accepting, the Application finishes the updates already queued."""
    server = _Server(
        uvicorn.Config(
            build_web_app(application, config),
            host=config.listen_host,
            port=config.listen_port,
            log_level="warning",
            access_log=False,  # request lines carry nothing useful and nothing private
        )
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, server.request_exit)
    async with application:
        await application.start()
        if application.post_init is not None:  # run_polling would call it; serving by hand
            await application.post_init(application)
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.01)  # until the socket listens: only then ask for updates
        if server.started:
            await application.bot.set_webhook(
                url=config.webhook_url or "",
                secret_token=config.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
            log.info("webhook mode: listening on %s:%d", config.listen_host, config.listen_port)
        await serving
        await application.stop()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
