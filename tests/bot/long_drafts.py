"""A whole draft longer than one Telegram message, and how a client splits it (written for the
tests: the clean test draft plus measures generated from our own sentence frame)."""

from __future__ import annotations

from tests.core.defects import CLEAN

TELEGRAM_LIMIT = 4096
_PLACES = ("东关街道", "河西村", "滨河路", "城南社区", "北苑小区", "石桥镇", "柳湾村", "新港片区")
_WORKS = ("雨污分流改造", "背街小巷停车", "老旧电梯加装", "农贸市场提升", "积水点整治")


def long_draft(chars: int = 9000) -> str:
    """CLEAN with numbered, concrete measures added until it is about `chars` long."""
    lines = [CLEAN.rstrip("\n")]
    n = 0
    while sum(len(line) + 1 for line in lines) < chars:
        place, work = _PLACES[n % len(_PLACES)], _WORKS[n % len(_WORKS)]
        lines.append(
            f"（{n + 1}）2024年{n % 12 + 1}月底前，到{place}实地查看{work}第{n + 2}个点位的"
            f"进展，召开现场会解决{n % 4 + 2}个具体问题，形成清单报分管领导并在下月初通报结果。"
        )
        n += 1
    return "\n".join(lines)


def split_like_a_client(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts as a Telegram client sends a long paste: cut at the last line break that keeps a
    part within the limit, that line break dropped."""
    parts = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return parts
