"""Chat that is not a draft: greetings, thanks, questions to the assistant, very short chatter.

Such a message gets a usage hint: it is not reviewed (a review of 你好 finds 不见人不见事) and
not stored. Anything that uses the genre's vocabulary is a draft, however short (一是学习不够。).
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.schemes import catalogue
from core.scoring import trie_pattern
from core.text import counted_chars, normalize

SHORT_CHARS = 40  # longer text without the genre's words is still reviewed: it may be a draft
_GREETING = re.compile(
    r"^(?:你好|您好|哈喽|hi|hello|hey|嗨|在吗|在不在|谢谢|感谢|多谢|辛苦了|好的|好|收到|"
    r"明白|了解|ok|嗯+|哦+|再见|拜拜|早上好|上午好|下午好|晚上好|早安|晚安|测试|test)"
    r"[\s!！。.,，~～?？:：)）(（]*",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"(?:(?:怎么|如何|能不能|可不可以|能否|可以|什么|是谁|为什么|哪|区别|吗|呢)[^。]*[？?]"
    r"|(?:吗|呢|么))\s*$"
)
# Words any part of a draft uses: structure, and the genre's own vocabulary beyond the lexicons.
_DRAFT_WORDS = (
    "一是", "二是", "存在", "问题", "不够", "不足", "差距", "整改", "措施", "原因", "根源", "方面",
    "对照", "查摆", "剖析", "学习", "党", "干部", "群众", "班子", "同志", "落实", "作风", "纪律",
    "廉洁", "担当", "责任", "政治", "理论", "思想", "工作", "制度", "组织", "违规", "违纪",
    "违反", "分管", "本人", "项目",
)  # fmt: skip


def is_chatter(text: str) -> bool:
    """A greeting, thanks, a question to the assistant or a few words of chat, not a draft."""
    plain = normalize(text).strip()
    if not plain or counted_chars(plain) >= SHORT_CHARS * 2:
        return False
    if counted_chars(plain) < SHORT_CHARS and _QUESTION.search(plain):
        return True  # a short question is asked of the assistant, whatever words it uses
    if _draft_like(plain):
        return False
    if _GREETING.fullmatch(plain):
        return True
    return counted_chars(plain) < SHORT_CHARS


def _draft_like(text: str) -> bool:
    return any(w in text for w in _DRAFT_WORDS) or _lexicon().search(text) is not None


@lru_cache(maxsize=1)
def _lexicon() -> re.Pattern[str]:
    shipped = catalogue()
    phrases = {t for c in shipped.concerns for t, _ in c.lexicon}
    phrases |= {t for s in shipped.schemes for d in s.dimensions for t, _ in d.lexicon}
    return re.compile(trie_pattern(phrases))
