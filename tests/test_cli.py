"""The command line, in process and as the installed console script; every bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from core.cli import main
from core.reading import docx_text
from tests.conftest import EXAMPLES, ROOT
from tests.pdf_files import text_pdf

SAMPLE = EXAMPLES / "sample_draft.txt"


def _exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse exits on its own for usage errors
        return int(exc.code or 0)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = _exit_code(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_review_prints_a_report(capsys: pytest.CaptureFixture[str], seeds_copy: Path) -> None:
    code, out, err = run(
        capsys, "review", str(SAMPLE), "--corpus", str(seeds_copy), "--color", "never"
    )
    assert code == 0, err
    assert "主要维度：" in out
    assert "近似来源" in out and "000_4429b7620e03c467.txt" in out
    assert "█" in out  # scores as bars
    assert "总评" in out and "审阅意见" in out and "[重要·错别字] 「时问」" in out
    assert "【以民为本、执政为民的理念" in out  # the copy marked in place
    assert "\x1b[" not in out


def test_colour_can_be_forced(capsys: pytest.CaptureFixture[str], seeds_copy: Path) -> None:
    code, out, _ = run(
        capsys, "review", str(SAMPLE), "--corpus", str(seeds_copy), "--color", "always"
    )
    assert code == 0
    assert "\x1b[30;43m" in out


def test_review_json(capsys: pytest.CaptureFixture[str], seeds_copy: Path) -> None:
    code, out, _ = run(capsys, "review", str(SAMPLE), "--json", "--corpus", str(seeds_copy))
    assert code == 0
    data = json.loads(out)
    assert {"text", "scores", "dimension", "blocks", "matches", "duplicate_ratio"} <= set(data)
    assert len(data["matches"]) == 5


def test_review_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, seeds_copy: Path
) -> None:
    draft = "班子成员思想不够解放，工作按部就班、因循守旧、求稳怕变。"
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(draft.encode("gb18030")), encoding="gb18030")
    )
    code, out, _ = run(capsys, "review", "-", "--json", "--corpus", str(seeds_copy))
    assert code == 0
    assert json.loads(out)["text"] == draft


def test_default_corpus_is_the_shipped_seeds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from core.cli import _corpus_dir

    monkeypatch.chdir(tmp_path)  # no ./seeds here: falls back to the corpus in the package
    assert _corpus_dir(None).resolve() == (ROOT / "seeds").resolve()
    (tmp_path / "seeds").mkdir()
    assert _corpus_dir(None) == Path("seeds")
    monkeypatch.setenv("CORPUS_DIR", "/elsewhere")
    assert _corpus_dir(None) == Path("/elsewhere")


def test_corpus_dir_from_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "one.txt").write_text(
        "一、存在的问题\n（一）理论学习方面。一是学得不深。", encoding="utf-8"
    )
    monkeypatch.setenv("CORPUS_DIR", str(tmp_path))
    code, out, _ = run(capsys, "corpus", "stats")
    assert code == 0
    assert "文档 1 篇" in out


def test_examples(capsys: pytest.CaptureFixture[str], seeds_copy: Path) -> None:
    code, out, _ = run(capsys, "examples", "廉洁自律", "-n", "2", "--corpus", str(seeds_copy))
    assert code == 0
    assert out.count("来源：") == 2


def test_docx_and_gb18030_files_are_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seeds_copy: Path
) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("一、存在的问题")
    document.add_paragraph(
        "（一）廉洁自律方面。一是落实一岗双责不到位，对分管部门廉政风险排查不深。"
    )
    document.save(str(tmp_path / "draft.docx"))
    code, out, _ = run(
        capsys, "review", str(tmp_path / "draft.docx"), "--json", "--corpus", str(seeds_copy)
    )
    assert code == 0
    assert json.loads(out)["blocks"][-1]["dimension"] == "廉洁自律"
    gb = tmp_path / "gb.txt"
    gb.write_bytes("对分管部门廉政风险排查不深，一岗双责落实不到位。".encode("gb18030"))
    code, out, _ = run(
        capsys, "review", str(gb), "--json", "--corpus", str(seeds_copy), "--scheme", "2023"
    )
    assert code == 0
    assert json.loads(out)["dimension"] == "廉洁自律"


def _docx_with_broken_xml() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<<garbage")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _bad(tmp_path: Path, seeds_copy: Path) -> dict[str, tuple[list[str], str]]:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "blank.txt").write_text(" \n\u3000\n", encoding="utf-8")
    (tmp_path / "invisible.txt").write_text("\u200b##paidbegin##\u200b", encoding="utf-8")
    (tmp_path / "badxml.docx").write_bytes(_docx_with_broken_xml())
    (tmp_path / "binary.bin").write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    (tmp_path / "fake.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 \xff\xfe\xfd".encode("latin-1"))
    (tmp_path / "emptydir").mkdir()
    (tmp_path / "hello.txt").write_text("你好，在吗？", encoding="utf-8")
    corpus = ["--corpus", str(seeds_copy)]
    return {
        "missing file": (["review", str(tmp_path / "nope.txt"), *corpus], "找不到文件"),
        "directory": (["review", str(tmp_path), *corpus], "目录"),
        "binary file": (["review", str(tmp_path / "binary.bin"), *corpus], "不是文本文件"),
        "broken docx": (["review", str(tmp_path / "fake.docx"), *corpus], ".docx"),
        "undecodable": (["review", str(tmp_path / "latin1.txt"), *corpus], "编码"),
        "empty text": (["review", str(tmp_path / "empty.txt"), *corpus], "为空"),
        "blank text": (["review", str(tmp_path / "blank.txt"), *corpus], "为空"),
        "invisible text": (["review", str(tmp_path / "invisible.txt"), *corpus], "为空"),
        "docx with broken xml": (["review", str(tmp_path / "badxml.docx"), *corpus], ".docx"),
        "unknown dimension": (["examples", "廉洁", *corpus], "廉洁纪律"),
        "chat, not a draft": (["review", str(tmp_path / "hello.txt"), *corpus], "不像对照检查材料"),
        "unknown scheme": (["review", str(SAMPLE), "--scheme", "2099", *corpus], "2024-dangji"),
        "unknown dimension of a scheme": (
            ["examples", "廉洁自律", "--scheme", "2025", *corpus],
            "没有名为“廉洁自律”的维度",
        ),
        "bad count": (["examples", "廉洁自律", "-n", "0", *corpus], "-n"),
        "missing corpus": (
            ["corpus", "stats", "--corpus", str(tmp_path / "none")],
            "语料目录不存在",
        ),
        "empty corpus": (["corpus", "stats", "--corpus", str(tmp_path / "emptydir")], "没有 .txt"),
        "docx output not named .docx": (
            ["review", str(SAMPLE), "--docx", str(tmp_path / "out.txt"), *corpus],
            "--docx",
        ),
        "docx output in a missing folder": (
            ["review", str(SAMPLE), "--docx", str(tmp_path / "no" / "out.docx"), *corpus],
            "无法写入",
        ),
        "previous version missing": (
            ["review", str(SAMPLE), "--previous", str(tmp_path / "old.txt"), *corpus],
            "找不到文件",
        ),
        "no command": ([], "参数有误"),
        "unknown option": (["review", "--bogus"], "参数有误"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "directory",
        "binary file",
        "broken docx",
        "undecodable",
        "empty text",
        "blank text",
        "unknown dimension",
        "chat, not a draft",
        "unknown scheme",
        "unknown dimension of a scheme",
        "bad count",
        "missing corpus",
        "empty corpus",
        "docx output not named .docx",
        "docx output in a missing folder",
        "previous version missing",
        "no command",
        "unknown option",
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    argv, expected = _bad(tmp_path, seeds_copy)[case]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert expected in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_a_one_megabyte_draft_completes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(
        "\n".join([text] * (1_000_000 // len(text.encode("utf-8")) + 1)), encoding="utf-8"
    )
    assert big.stat().st_size >= 1_000_000
    code, out, _ = run(capsys, "review", str(big), "--json", "--corpus", str(seeds_copy))
    assert code == 0
    assert json.loads(out)["duplicate_ratio"] > 0


def test_the_installed_console_script_runs(tmp_path: Path, seeds_copy: Path) -> None:
    """The entry point as a user runs it: a separate process, stdin piped, no traceback."""
    script = Path(sys.executable).with_name("draft-review")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "core"]
    done = subprocess.run(
        [*command, "review", "-", "--corpus", str(seeds_copy), "--json"],
        input="班子成员思想不够解放，工作按部就班、因循守旧、求稳怕变。".encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["matches"]
    empty = subprocess.run(
        [*command, "review", "-", "--corpus", str(seeds_copy)],
        input=b"",
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert empty.returncode == 2
    assert "Traceback" not in empty.stderr.decode()


def test_a_closed_pipe_ends_quietly(seeds_copy: Path) -> None:
    """`draft-review review … | head -c 10`: no traceback when the reader goes away."""
    script = Path(sys.executable).with_name("draft-review")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "core"]
    process = subprocess.Popen(
        [*command, "review", str(SAMPLE), "--json", "--corpus", str(seeds_copy)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    assert len(process.stdout.read(10)) == 10
    process.stdout.close()
    process.wait(timeout=120)
    assert b"Traceback" not in process.stderr.read()
    process.stderr.close()


def test_corpus_build_add_and_stats(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, tmp_path: Path
) -> None:
    import docx

    code, out, _ = run(capsys, "corpus", "build", "--corpus", str(seeds_copy))
    assert code == 0 and "已重建索引" in out and "文档 5 篇" in out
    code, out, _ = run(capsys, "corpus", "build", "--corpus", str(seeds_copy))
    assert code == 0 and "索引已是最新" in out
    new_txt = tmp_path / "新材料.txt"
    new_txt.write_text(
        "（一）廉洁自律方面。一是我对分管的城南片区旧改项目招投标监督不到位，三个标段评标记录缺少签字。",
        encoding="utf-8",
    )
    document = docx.Document()
    document.add_paragraph(
        "（二）工作作风方面。一是我到青石村调研只听汇报，没有入户核实低保复核中的两起投诉。"
    )
    document.save(str(tmp_path / "草稿.docx"))
    code, out, _ = run(
        capsys,
        "corpus",
        "add",
        str(new_txt),
        str(tmp_path / "草稿.docx"),
        "--corpus",
        str(seeds_copy),
    )
    assert code == 0 and "新增 2 篇文档" in out and "文档 7 篇" in out
    assert (seeds_copy / "草稿.txt").read_text(encoding="utf-8").startswith("（二）工作作风方面")
    code, out, _ = run(capsys, "corpus", "add", str(new_txt), "--corpus", str(seeds_copy))
    assert code == 0 and (seeds_copy / "新材料-2.txt").exists()  # never overwrites a document
    code, out, _ = run(capsys, "corpus", "build", "--rebuild", "--corpus", str(seeds_copy))
    assert code == 0 and "已重建索引" in out and "文档 8 篇" in out


def test_corpus_add_refuses_bad_files_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("一是我对项目监督不到位，三个标段评标记录缺少签字。", encoding="utf-8")
    (tmp_path / "empty.txt").write_text(" \n", encoding="utf-8")
    code, _out, err = run(
        capsys, "corpus", "add", str(good), str(tmp_path / "empty.txt"), "--corpus", str(seeds_copy)
    )
    assert code == 2 and "内容为空" in err
    code, _, err = run(
        capsys, "corpus", "add", str(tmp_path / "missing.docx"), "--corpus", str(seeds_copy)
    )
    assert code == 2 and "找不到文件" in err
    assert sorted(p.name for p in seeds_copy.glob("*.txt")) == sorted(
        p.name for p in Path(ROOT / "seeds").glob("*.txt")
    )


def test_schemes_lists_every_shipped_scheme(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schemes", "--color", "never")
    assert code == 0
    for scheme_id in ("2022", "2023", "2024", "2025", "2024-dangji", "zuzhi"):
        assert f"\n{scheme_id}  " in out
    assert "带头强化政治忠诚、提高政治能力" in out and "出处：" in out


def test_review_names_its_scheme_and_obeys_scheme(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    corpus = ["--corpus", str(seeds_copy)]
    code, out, _ = run(capsys, "review", str(SAMPLE), "--color", "never", *corpus)
    assert code == 0 and "方案：识别为“2023年主题教育专题民主生活会（六个方面）”" in out
    code, out, _ = run(capsys, "review", str(SAMPLE), "--json", "--scheme", "2024", *corpus)
    scheme = json.loads(out)["scheme"]
    assert (scheme["id"], scheme["source"]) == ("2024", "chosen")
    assert list(json.loads(out)["scores"]) == scheme["dimensions"]


def test_examples_for_another_years_aspect(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    code, out, _ = run(
        capsys, "examples", "廉洁纪律", "--color", "never", "--corpus", str(seeds_copy)
    )
    assert code == 0
    assert "2024年党纪学习教育（六大纪律）" in out


def _comments(path: Path) -> dict[str, str]:
    from tests.test_word_document import _anchored

    return _anchored(docx.Document(str(path)))


def test_review_writes_the_annotated_word_document_for_text_and_pdf(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "reviewed.docx"
    code, said, err = run(
        capsys,
        "review",
        str(SAMPLE),
        "--docx",
        str(out),
        "--corpus",
        str(seeds_copy),
        "--color",
        "never",
    )
    assert code == 0, err
    assert f"Word 批注版已保存：{out}" in said
    comments = _comments(out)
    assert comments[next(c for c in comments if "时问" in c)] == "时问"
    copies = [words for c, words in comments.items() if c.startswith("[近似")]
    assert len(copies) == 5 and all(words in SAMPLE.read_text(encoding="utf-8") for words in copies)
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(text_pdf(["一是理论学习不够系统，往往以会代学，去年只读完两本原著。"]))
    code, said, err = run(
        capsys, "review", str(pdf), "--docx", str(out), "--corpus", str(seeds_copy)
    )
    assert code == 0, err
    assert "理论学习" in docx_text(out.read_bytes())


def test_a_users_docx_is_annotated_in_place(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, tmp_path: Path
) -> None:
    source = docx.Document()
    source.add_heading("对照检查材料", level=1)
    table = source.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "一是调研不深，今年只下乡两次，熟视无堵群众反映的积水问题。"
    table.cell(0, 1).text = "二是学习不够系统。"
    draft = tmp_path / "mine.docx"
    source.save(str(draft))
    out = tmp_path / "mine-reviewed.docx"
    code, _, err = run(
        capsys, "review", str(draft), "--docx", str(out), "--corpus", str(seeds_copy)
    )
    assert code == 0, err
    result = docx.Document(str(out))
    assert len(result.tables) == 1 and "Heading 1" in [p.style.name for p in result.paragraphs]
    comments = _comments(out)
    assert comments[next(c for c in comments if "熟视无睹" in c)] == "熟视无堵"


def test_previous_version_opens_the_report_and_the_json(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, tmp_path: Path
) -> None:
    fixed = tmp_path / "v2.txt"
    fixed.write_text(SAMPLE.read_text(encoding="utf-8").replace("时问", "时间"), encoding="utf-8")
    args = ["review", str(fixed), "--previous", str(SAMPLE), "--corpus", str(seeds_copy)]
    code, said, err = run(capsys, *args, "--color", "never")
    assert code == 0, err
    second = said.split("\n")[1]
    assert second.startswith("与上一版相比：总评") and "已解决 1 条，新增 0 条" in second
    code, said, _ = run(capsys, *args, "--json")
    progress = json.loads(said)["progress"]
    assert [f["quote"] for f in progress["resolved"]] == ["时问"] and progress["new"] == []
    code, said, _ = run(capsys, "review", str(fixed), "--json", "--corpus", str(seeds_copy))
    assert "progress" not in json.loads(said)
