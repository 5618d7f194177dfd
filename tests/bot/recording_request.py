"""A PTB request class that answers from a FakeBotApi in process and never opens a socket."""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

from tests.bot.fake_api import FILES, FakeBotApi


class RecordingRequest(BaseRequest):
    """Every Bot API call goes to the in-process fake; there is no network code path at all."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            data = self.api.download(url)
            return (200, data) if data is not None else (404, b"")
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            params[FILES] = {
                name: (str(value[0]), bytes(value[1]))
                for name, value in request_data.multipart_data.items()
                if isinstance(value, tuple)
            }
        ok, result = self.api.handle(url.rsplit("/", 1)[-1], params)
        status = 200 if ok else getattr(result, "status", 404)
        body = (
            {"ok": True, "result": result}
            if ok
            else {"ok": False, "error_code": status, "description": str(result)}
        )
        return status, json.dumps(body).encode()
