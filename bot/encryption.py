"""Drafts sealed at rest with a key from the environment (HISTORY_KEY).

A deleted row leaves its bytes in PostgreSQL's table files until the space is reused and in its
WAL until that is recycled; sealed, those bytes are unreadable without the key, and dropping the
key makes every stored draft unreadable at once. AES-256-GCM with a random nonce per value; the
user id is bound in as associated data, so a sealed draft moved to another user's row fails to
open rather than showing one user's text to another.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1:"  # rows written before a key was set stay readable: they carry no prefix
_NONCE_BYTES = 12


class SealError(Exception):
    """A sealed value that cannot be opened: another key, or a damaged or moved row."""


def parse_key(raw: str) -> bytes:
    """A 32-byte key from its base64 form; ValueError with a reason otherwise."""
    try:
        key = base64.urlsafe_b64decode(raw.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("不是 base64 编码") from exc
    if len(key) != 32:
        raise ValueError(f"应为 32 字节（现为 {len(key)} 字节）")
    return key


def new_key() -> str:
    """A fresh key in the form HISTORY_KEY takes."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


class DraftCipher:
    """Seals and opens the text stored for one user."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, text: str, *, user_id: int) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode("utf-8"), _bound(user_id))
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, *, user_id: int) -> str:
        """The text of a value `seal` made (with its prefix)."""
        try:
            raw = base64.b64decode(sealed.removeprefix(PREFIX), validate=True)
            nonce, body = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
            return self._aead.decrypt(nonce, body, _bound(user_id)).decode("utf-8")
        except (binascii.Error, InvalidTag, UnicodeDecodeError) as exc:
            raise SealError("stored draft cannot be opened with this key") from exc


def open_stored(stored: str, *, user_id: int, cipher: DraftCipher | None) -> str:
    """The text of a stored value, sealed or (written before a key was set) plain."""
    if not stored.startswith(PREFIX):
        return stored
    if cipher is None:
        raise SealError("stored draft is sealed but HISTORY_KEY is not set")
    return cipher.open(stored, user_id=user_id)


def _bound(user_id: int) -> bytes:
    return f"draft-review:{user_id}".encode("ascii")
