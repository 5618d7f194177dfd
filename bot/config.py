"""The bot's configuration: the only place that reads the environment.

Every bad variable is reported at once, so a deployment is fixed in one round. Messages never
contain the token itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.encryption import parse_key
from core.schemes import catalogue
from core.shipped import default_corpus_dir

_TOKEN = re.compile(r"^[0-9]{3,15}:[A-Za-z0-9_-]{30,64}$")
_DRIVERS = ("sqlite+aiosqlite://", "postgresql+asyncpg://")
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Where the shared (/addcorpus) documents are searched: loaded into each replica's in-memory
# index (memory), or looked up in PostgreSQL by every replica (postgres, bot/pg_corpus.py).
CorpusBackend = Literal["memory", "postgres"]
CORPUS_BACKENDS: tuple[CorpusBackend, ...] = ("memory", "postgres")
DEFAULT_TIMEZONE = "Asia/Shanghai"  # where the users are; times are stored in UTC


class ConfigError(Exception):
    """One or more environment variables are missing or malformed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("配置有误：" + "；".join(problems))


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the bot needs to start, validated."""

    token: str
    api_base_url: str | None
    file_base_url: str | None
    database_url: str
    data_dir: Path
    corpus_dir: Path
    admin_ids: frozenset[int]
    log_level: int
    max_draft_chars: int
    max_file_bytes: int
    bot_mode: str = "polling"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    listen_host: str = "127.0.0.1"  # a proxy is meant to be in front (deploy/compose.yaml)
    listen_port: int = 8080
    corpus_sync_seconds: int = 30
    retention_days: int = 180
    reviews_per_minute: int = 6
    history_key: bytes | None = None
    default_scheme: str | None = None  # for drafts with no clue and users with no /scheme
    timezone: tzinfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))  # users' times
    # How long a message near Telegram's length limit waits for the rest of its paste (0: off).
    paste_wait_seconds: float = 2.0
    chart_font: Path | None = None  # a CJK font for the score chart; else a system one is found
    corpus_backend: CorpusBackend = "memory"

    def __repr__(self) -> str:  # never print the token, even by accident
        return f"Config(database={self.database_url.split('://')[0]}, corpus={self.corpus_dir})"


def load_config(env: Mapping[str, str]) -> Config:
    """Validate the environment; raise ConfigError listing every problem found."""
    problems: list[str] = []
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        problems.append("缺少 TELEGRAM_BOT_TOKEN（从 @BotFather 获取）")
    elif not _TOKEN.match(token):
        problems.append("TELEGRAM_BOT_TOKEN 格式不正确（应为 数字:字母数字串）")
    data_dir = Path(env.get("DATA_DIR", "data"))
    database_url = (
        env.get("DATABASE_URL", "").strip() or f"sqlite+aiosqlite:///{data_dir / 'bot.db'}"
    )
    if not database_url.startswith(_DRIVERS):
        problems.append("DATABASE_URL 须以 sqlite+aiosqlite:// 或 postgresql+asyncpg:// 开头")
    corpus_dir = default_corpus_dir(env)
    if not corpus_dir.is_dir():
        problems.append(f"CORPUS_DIR 不是目录：{corpus_dir}")
    admin_ids = _ids(env.get("ADMIN_IDS", ""), problems)
    level = env.get("LOG_LEVEL", "INFO").strip().upper()
    if level not in _LEVELS:
        problems.append(f"LOG_LEVEL 须为 {'/'.join(_LEVELS)} 之一")
    api = _url(env, "TELEGRAM_API_BASE_URL", problems)
    files = _url(env, "TELEGRAM_FILE_BASE_URL", problems)
    max_chars = _positive(env, "MAX_DRAFT_CHARS", 200_000, problems)
    max_bytes = _positive(env, "MAX_FILE_BYTES", 5 * 1024 * 1024, problems)
    mode = env.get("BOT_MODE", "polling").strip().lower() or "polling"
    webhook_url = _url(env, "WEBHOOK_URL", problems)
    secret = env.get("WEBHOOK_SECRET", "").strip() or None
    port = _positive(env, "LISTEN_PORT", 8080, problems)
    sync_seconds = _positive(env, "CORPUS_SYNC_SECONDS", 30, problems)
    retention = _positive(env, "RETENTION_DAYS", 180, problems)
    per_minute = _positive(env, "REVIEWS_PER_MINUTE", 6, problems)
    if mode not in ("polling", "webhook"):
        problems.append("BOT_MODE 须为 polling 或 webhook")
    if mode == "webhook" and not webhook_url:
        problems.append("webhook 模式需要 WEBHOOK_URL（Telegram 回调的公开地址）")
    if mode == "webhook" and not (secret and re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret)):
        problems.append("webhook 模式需要 WEBHOOK_SECRET（16–256 位字母、数字、_ 或 -）")
    if port > 65535:
        problems.append("LISTEN_PORT 须在 1–65535 之间")
    history_key = _history_key(env, problems)
    default_scheme = env.get("DEFAULT_SCHEME", "").strip() or None
    if default_scheme is not None and default_scheme not in catalogue().ids:
        problems.append(f"DEFAULT_SCHEME 须为 {'/'.join(catalogue().ids)} 之一")
    zone = _timezone(env, problems)
    paste_wait = _seconds(env, "PASTE_WAIT_SECONDS", 2.0, problems)
    chart_font = env.get("CHART_FONT", "").strip() or None
    if chart_font is not None and not Path(chart_font).is_file():
        problems.append(f"CHART_FONT 不是文件：{chart_font}")
    backend = _corpus_backend(env, database_url, problems)
    if problems:
        raise ConfigError(problems)
    return Config(
        token=token,
        api_base_url=api,
        file_base_url=files,
        database_url=database_url,
        data_dir=data_dir,
        corpus_dir=corpus_dir,
        admin_ids=admin_ids,
        log_level=getattr(logging, level),
        max_draft_chars=max_chars,
        max_file_bytes=max_bytes,
        bot_mode=mode,
        webhook_url=webhook_url,
        webhook_secret=secret,
        listen_host=env.get("LISTEN_HOST", "").strip() or "127.0.0.1",
        listen_port=port,
        corpus_sync_seconds=sync_seconds,
        retention_days=retention,
        reviews_per_minute=per_minute,
        history_key=history_key,
        default_scheme=default_scheme,
        timezone=zone,
        paste_wait_seconds=paste_wait,
        chart_font=None if chart_font is None else Path(chart_font),
        corpus_backend=backend,
    )


def _corpus_backend(
    env: Mapping[str, str], database_url: str, problems: list[str]
) -> CorpusBackend:
    raw = env.get("CORPUS_BACKEND", "").strip().lower() or "memory"
    backend = next((b for b in CORPUS_BACKENDS if b == raw), None)
    if backend is None:
        problems.append(f"CORPUS_BACKEND 须为 {' 或 '.join(CORPUS_BACKENDS)}")
        return "memory"
    if backend == "postgres" and not database_url.startswith("postgresql+asyncpg://"):
        problems.append(
            "CORPUS_BACKEND=postgres 需要 PostgreSQL：DATABASE_URL 须以 postgresql+asyncpg:// 开头"
        )
    return backend


def _seconds(env: Mapping[str, str], name: str, default: float, problems: list[str]) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 30:
        problems.append(f"{name} 须为 0–30 之间的秒数（0 表示不合并）")
        return default
    return value


def load_database_url(env: Mapping[str, str]) -> str:
    """Only the database: what `draft-review db upgrade` needs (no token required)."""
    data_dir = Path(env.get("DATA_DIR", "data"))
    url = env.get("DATABASE_URL", "").strip() or f"sqlite+aiosqlite:///{data_dir / 'bot.db'}"
    if not url.startswith(_DRIVERS):
        raise ConfigError(["DATABASE_URL 须以 sqlite+aiosqlite:// 或 postgresql+asyncpg:// 开头"])
    return url


def _timezone(env: Mapping[str, str], problems: list[str]) -> tzinfo:
    name = env.get("TIMEZONE", "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # TIMEZONE=Asia is a directory
        problems.append(f"TIMEZONE 不是有效的时区名称：{name}（例如 Asia/Shanghai）")
        return ZoneInfo(DEFAULT_TIMEZONE)


def _history_key(env: Mapping[str, str], problems: list[str]) -> bytes | None:
    raw = env.get("HISTORY_KEY", "").strip()
    if not raw:
        return None
    try:
        return parse_key(raw)
    except ValueError as exc:  # the reason names the length or encoding, never the key itself
        problems.append(f"HISTORY_KEY 无效（{exc}）；生成方法：draft-review db new-key")
        return None


def _ids(raw: str, problems: list[str]) -> frozenset[int]:
    parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
    if not all(re.fullmatch(r"-?[0-9]+", p) for p in parts):
        problems.append("ADMIN_IDS 须为逗号分隔的数字用户 ID")
        return frozenset()
    return frozenset(int(p) for p in parts)


def _url(env: Mapping[str, str], name: str, problems: list[str]) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not re.match(r"^https?://[^\s/]+", value):
        problems.append(f"{name} 须为 http(s):// 开头的地址")
    return value.rstrip("/")


def _positive(env: Mapping[str, str], name: str, default: int, problems: list[str]) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        problems.append(f"{name} 须为正整数")
        return default
    return int(raw)
