"""Hostile and odd input (issue 7, first part): random Unicode through the engine and the
renderer, uploads that are not what they claim."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.render import review_messages
from core import Corpus, DraftInputError, review
from core.models import review_from_dict
from core.presentation import present
from core.reading import decode_text, docx_text
from tests.bot.test_handlers import assert_valid_html

ODD = st.text(
    alphabet=st.one_of(
        st.characters(),  # anything, control and zero-width characters included
        st.sampled_from("学习理论不够，。一是（一）“”<>&\"'*#\u200b\u202e\u0000\n\r\t🙂"),
    ),
    max_size=600,
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=ODD)
def test_any_text_reviews_and_renders_to_valid_html(corpus: Corpus, text: str) -> None:
    result = review(text, corpus)
    data = result.to_dict()
    for finding in data["findings"] + data["matches"]:
        assert 0 <= finding["start"] <= finding["end"] <= len(data["text"])
    for message in review_messages(present(review_from_dict(data)), number=1):
        assert_valid_html(message)


def test_a_line_of_100000_characters(corpus: Corpus) -> None:
    result = review("学习不够深入" * 17000, corpus)
    assert result.text and all(len(m) <= 4096 for m in review_messages(present(result)))


def test_a_docx_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (60 * 1024 * 1024))  # compresses to ~60 KB
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(DraftInputError, match="过大"):
        docx_text(buffer.getvalue())


@pytest.mark.parametrize(
    "data", [b"", b"PK\x03\x04garbage", b"\x00\x01binary", "草稿".encode("utf-16-le")]
)
def test_not_really_a_docx_or_text(data: bytes) -> None:
    with pytest.raises(DraftInputError):
        docx_text(data)
    if b"\x00" in data:
        with pytest.raises(DraftInputError):
            decode_text(data)


def test_mixed_encodings_are_read_or_refused_clearly() -> None:
    assert decode_text("对照检查".encode("gb18030")) == "对照检查"
    assert decode_text("\ufeff对照检查".encode()) == "对照检查"
    with pytest.raises(DraftInputError, match="编码"):
        decode_text("对照".encode() + "检查".encode("gb18030")[:1] + b"\xff\xfe")
