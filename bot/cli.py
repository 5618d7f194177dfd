"""The `draft-review` console script: the engine's commands plus `bot`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from core import cli as core_cli


def _run_bot(argv: list[str]) -> int:
    from bot.app import run_bot  # telegram is imported only when the bot is started

    return run_bot(argv)


def main(argv: Sequence[str] | None = None) -> int:
    extra = {"bot": ("运行 Telegram 机器人（配置见环境变量）", _run_bot)}
    return core_cli.main(argv, extra=extra)


if __name__ == "__main__":
    sys.exit(main())
