"""The `draft-review` command line: review a draft, show corpus examples, corpus statistics.

Bad input (a missing, unreadable or binary file, empty text, an unknown dimension) is one clear
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn, TextIO

from core import corpus_commands
from core.chatter import is_chatter
from core.corpus import Corpus, CorpusError
from core.examples import ranked_examples
from core.presentation import present
from core.reading import DraftInputError, decode_text, read_draft
from core.review import review
from core.schemes import UnknownDimensionError, UnknownSchemeError, catalogue
from core.shipped import default_corpus_dir
from core.terminal import Style, render_examples, render_review, render_schemes, render_stats
from core.text import is_blank
from core.tokens import Tokenizer

EXIT_USAGE = 2
MAX_DRAFT_BYTES = 20 * 1024 * 1024


class UsageError(Exception):
    """A problem with what the user asked for; its message is printed as it is."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, in Chinese, instead of argparse's usage block.
        self.exit(
            EXIT_USAGE, f"draft-review：参数有误（{message}），用 draft-review --help 查看用法\n"
        )


ExtraCommand = tuple[str, Callable[[list[str]], int]]


def _parser(extra: Mapping[str, ExtraCommand]) -> argparse.ArgumentParser:
    parser = _Parser(prog="draft-review", description="材料审阅助手：对照检查材料的查重与维度评分")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (help_text, _) in extra.items():
        sub.add_parser(name, help=help_text)
    rev = sub.add_parser("review", help="审阅一份材料（.txt / .docx，或 - 表示标准输入）")
    rev.add_argument("path", nargs="?", default="-", help="材料文件；省略或 - 表示从标准输入读取")
    rev.add_argument("--json", action="store_true", help="输出 JSON")
    rev.add_argument(
        "--scheme", default=None, help="按指定方案审阅（draft-review schemes 查看；默认自动识别）"
    )
    rev.add_argument(
        "--docx",
        type=Path,
        default=None,
        metavar="OUT.docx",
        help="另存 Word 批注版（意见为批注，近似文字标黄；输入为 .docx 时在原文档上标注）",
    )
    rev.add_argument(
        "--previous",
        default=None,
        metavar="OLD",
        help="同一材料的上一版（文件），回复开头说明变化；JSON 增加 progress",
    )
    _common(rev)
    ex = sub.add_parser("examples", help="某一维度的语料示例")
    ex.add_argument("dimension", help="维度名称，如 廉洁自律")
    ex.add_argument("-n", type=int, default=3, help="条数（默认 3）")
    ex.add_argument("--scheme", default=None, help="在指定方案中查找该维度（默认最新含此名的方案）")
    _common(ex)
    _common(sub.add_parser("schemes", help="列出可用的方案（各年度的方面）"))
    corpus = sub.add_parser("corpus", help="语料库管理")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True, parser_class=_Parser)
    _common(corpus_sub.add_parser("stats", help="语料库统计"))
    add = corpus_sub.add_parser("add", help="加入文档（.txt / .docx）并更新索引")
    add.add_argument("files", nargs="+", type=Path, help="要加入的文件")
    _common(add)
    build = corpus_sub.add_parser("build", help="建立或更新语料索引（只处理有变化的部分）")
    build.add_argument("--rebuild", action="store_true", help="全部重建")
    _common(build)
    sync = corpus_sub.add_parser(
        "sync-shipped", help="把随程序附带的语料同步到语料目录的 shipped/ 子目录（部署升级用）"
    )
    _common(sync)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=None, help="语料目录（默认 seeds/）")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def main(
    argv: Sequence[str] | None = None, *, extra: Mapping[str, ExtraCommand] | None = None
) -> int:
    """Run the command line. `extra` adds commands from outer layers (the bot) without the
    engine importing them: name → (help, handler taking the remaining arguments)."""
    extra = extra or {}
    words = list(sys.argv[1:] if argv is None else argv)
    if words and words[0] in extra:
        return extra[words[0]][1](words[1:])
    args = _parser(extra).parse_args(words)
    try:
        return _run(args, sys.stdout)
    except (
        UsageError,
        DraftInputError,
        CorpusError,
        UnknownDimensionError,
        UnknownSchemeError,
    ) as exc:
        print(f"draft-review：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (draft-review … | head): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _run(args: argparse.Namespace, out: TextIO) -> int:
    style = Style.colour(_colour_wanted(args.color, out))
    if args.command == "schemes":
        out.write(render_schemes(catalogue(), style))
        return 0
    if args.command == "review":
        return _review(args, out, style)
    if args.command == "corpus" and args.corpus_command in {"add", "build", "sync-shipped"}:
        return _manage(args, out, style)
    corpus = _corpus(args.corpus)
    if args.command == "examples":
        if args.n < 1:
            raise UsageError("-n 须为正整数")
        scheme, dim = corpus.catalogue.find_dimension(args.dimension, args.scheme)
        found = ranked_examples(corpus, scheme, dim.name)
        out.write(render_examples(scheme, dim.name, found[: args.n], style))
        return 0
    out.write(render_stats(str(_corpus_dir(args.corpus)), corpus.stats(), style))
    return 0


def _review(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    text = _read_input(args.path)
    old = None if args.previous is None else _read_input(args.previous)
    if args.scheme is not None:
        catalogue().get(args.scheme)  # an unknown id fails before the corpus is loaded
    if args.docx is not None and args.docx.suffix.lower() != ".docx":
        raise UsageError(f"--docx 的文件名须以 .docx 结尾：{args.docx}")
    corpus = _corpus(args.corpus)
    previous = None if old is None else review(old, corpus, scheme=args.scheme)
    result = review(text, corpus, scheme=args.scheme, previous=previous)
    report = present(result)
    if args.docx is not None:
        from core.annotated import review_document  # python-docx only when a .docx is asked for

        original = Path(args.path).read_bytes() if _is_docx(args.path) else None
        _write(args.docx, review_document(report, original=original, when=datetime.now(UTC)))
    if args.json:
        json.dump(result.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_review(report, style))
        if args.docx is not None:
            out.write(f"Word 批注版已保存：{args.docx}\n")
    return 0


def _is_docx(path: str) -> bool:
    return path != "-" and Path(path).suffix.lower() == ".docx"


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"无法写入 {path}（{exc.strerror}）") from None


def _manage(args: argparse.Namespace, out: TextIO, style: Style) -> int:
    folder, tokenizer = _corpus_dir(args.corpus), Tokenizer(cache_dir=_cache_dir())
    if args.corpus_command == "add":
        return corpus_commands.add(
            folder, args.files, tokenizer, out=out, err=sys.stderr, style=style
        )
    if args.corpus_command == "sync-shipped":
        return corpus_commands.sync(folder, tokenizer, out=out, err=sys.stderr, style=style)
    return corpus_commands.build(
        folder, tokenizer, rebuild=args.rebuild, out=out, err=sys.stderr, style=style
    )


def _read_input(path: str) -> str:
    if path == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("请给出材料文件路径，或通过管道从标准输入传入文本")
        text = decode_text(sys.stdin.buffer.read(MAX_DRAFT_BYTES + 1))
    else:
        file = Path(path)
        if file.is_file() and file.stat().st_size > MAX_DRAFT_BYTES:
            raise UsageError(f"文件过大（超过 {MAX_DRAFT_BYTES // 1024 // 1024} MB）：{path}")
        text = read_draft(file)
    if len(text.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise UsageError(f"文本过大（超过 {MAX_DRAFT_BYTES // 1024 // 1024} MB）")
    if is_blank(text):
        raise UsageError("材料内容为空，请提供需要审阅的文字")
    if is_chatter(text):
        raise UsageError("这段文字不像对照检查材料（问候、提问或几个字的闲聊），未审阅")
    return text


def _corpus_dir(given: Path | None) -> Path:
    """--corpus, else $CORPUS_DIR, else ./seeds, else the corpus shipped with the package."""
    return given if given is not None else default_corpus_dir(os.environ)


def _corpus(given: Path | None) -> Corpus:
    corpus, _ = corpus_commands.open_corpus(_corpus_dir(given), Tokenizer(cache_dir=_cache_dir()))
    return corpus


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "draft-review"


def _colour_wanted(choice: str, out: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return out.isatty() and "NO_COLOR" not in os.environ


if __name__ == "__main__":
    sys.exit(main())
