"""The `draft-review` console script: the engine's commands plus `bot`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from core import cli as core_cli


def _run_bot(argv: list[str]) -> int:
    from bot.app import run_bot  # telegram is imported only when the bot is started

    return run_bot(argv)


def _run_db(argv: list[str]) -> int:
    """`draft-review db upgrade`: migrate the history database named by DATABASE_URL."""
    import asyncio
    import os

    from bot.config import ConfigError, load_database_url
    from bot.db import make_engine
    from bot.schema import upgrade

    if argv == ["new-key"]:
        from bot.encryption import new_key

        print(new_key())  # for HISTORY_KEY: keep it with the deployment's secrets, not the data
        return 0
    if argv != ["upgrade"]:
        print(
            "用法：draft-review db upgrade（数据库由 DATABASE_URL 指定）"
            " | draft-review db new-key（生成 HISTORY_KEY）",
            file=sys.stderr,
        )
        return 2
    try:
        url = load_database_url(os.environ)
    except ConfigError as exc:
        print(f"draft-review db：{exc}", file=sys.stderr)
        return 2

    async def run() -> str:
        engine = make_engine(url)
        try:
            return (await upgrade(engine)).head
        finally:
            await engine.dispose()

    print(f"数据库结构已是最新版本（{asyncio.run(run())}）")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    extra = {
        "bot": ("运行 Telegram 机器人（配置见环境变量）", _run_bot),
        "db": ("数据库维护：draft-review db upgrade", _run_db),
    }
    return core_cli.main(argv, extra=extra)


if __name__ == "__main__":
    sys.exit(main())
