"""The deployment files against what they run, outside Docker (no image can be built here).

Each thing the image, compose and the systemd unit do is done here on its own: their commands
are our CLI's and work on a temporary folder, the user is not root, the HEALTHCHECK probes a real
webhook replica, and nginx.conf passes `nginx -t` and terminates TLS in front of that replica,
resolving `bot` through a stand-in DNS server. Tools this needs (nginx, openssl, a YAML parser,
systemd-analyze) skip when missing, except under DEPLOY_CHECKS=1 (.ci/deploy-checks.sh), where
a missing tool fails.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import re
import select
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import httpx
import pytest

from bot.cli import main as cli
from bot.config import ConfigError, load_config
from core.shipped import SHIPPED_CORPUS, SHIPPED_SUBFOLDER
from tests.bot import updates as u
from tests.conftest import ROOT, SEEDS

DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(DEPLOY))
from local_production import SECRET, LocalProduction, free_port  # noqa: E402


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, DEPLOY / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


constraints = _module("constraints")


def _missing(what: str) -> NoReturn:
    if os.environ.get("DEPLOY_CHECKS") == "1":
        pytest.fail(f"{what} is missing (.ci/deploy-checks.sh installs it)")
    pytest.skip(f"{what} is not installed (.ci/deploy-checks.sh installs it)")


def _tool(name: str) -> str:
    sbin = Path("/usr/sbin") / name  # nginx lives there, not always on a user's PATH
    return shutil.which(name) or (str(sbin) if sbin.exists() else _missing(name))


def _yaml(path: Path) -> dict[str, Any]:
    """PyYAML, or ruamel.yaml (check-jsonschema brings it): the dev extra has neither."""
    text = path.read_text(encoding="utf-8")
    with contextlib.suppress(ImportError):
        return dict(importlib.import_module("yaml").safe_load(text))
    with contextlib.suppress(ImportError):
        return dict(importlib.import_module("ruamel.yaml").YAML(typ="safe").load(text))
    _missing("a YAML parser (PyYAML or ruamel.yaml)")


# --- Dockerfile -----------------------------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of deploy/Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.partition(" ") for line in lines if line[:1] not in ("", "#"))
    ]


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions():
        if instruction[0] == "FROM":
            stages.append([])
        stages[-1].append(instruction)
    return stages


def _healthcheck() -> list[str]:
    [args] = [a for i, a in _stages()[-1] if i == "HEALTHCHECK"]
    return list(json.loads(args[args.index("CMD") + 3 :]))


def test_the_image_runs_as_a_non_root_user_from_its_last_run_on() -> None:
    final = _stages()[-1]
    users = [n for n, (i, _) in enumerate(final) if i == "USER"]
    assert users, "the runtime stage never leaves root"
    user = final[users[-1]][1].split(":")[0]
    assert user not in {"root", "0"}
    assert all(i != "RUN" for i, _ in final[users[-1] :])


def test_the_image_installs_its_wheel_with_the_constraints() -> None:
    wheel, runtime = _stages()[0], _stages()[-1]
    copied = [source for i, a in wheel if i == "COPY" for source in a.split()[:-1]]
    assert sorted(copied) == sorted(constraints.SOURCES)
    assert ("COPY", "deploy/constraints.txt /tmp/constraints.txt") in runtime
    assert any(i == "RUN" and "pip install -c /tmp/constraints.txt" in a for i, a in runtime)


def test_the_image_command_is_our_console_script() -> None:
    [command] = [a for i, a in _stages()[-1] if i == "CMD"]
    assert json.loads(command) == ["draft-review", "bot"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["draft-review"] == "bot.cli:main"
    assert not any(i == "ENV" and "CORPUS_DIR" in a for i, a in _stages()[-1])  # docker run alone


def test_the_build_context_holds_what_the_image_copies_and_nothing_heavy() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    rules = [(p.startswith("!"), _pattern(p.lstrip("!"))) for p in patterns]

    def sent(relative: str) -> bool:
        parts, keep = relative.split("/"), True
        for include, pattern in rules:  # the last matching rule decides, parents included
            if any(pattern.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
                keep = include
        return keep

    context: list[Path] = []
    for folder, dirs, files in os.walk(ROOT):  # as docker does, not into excluded folders
        here = Path(folder).relative_to(ROOT)
        dirs[:] = [
            d
            for d in dirs
            if sent((here / d).as_posix())
            or any(p.startswith(f"!{(here / d).as_posix()}/") for p in patterns)
        ]
        context += [Path(folder, f) for f in files if sent((here / f).as_posix())]
    names = {p.relative_to(ROOT).as_posix() for p in context}
    built_from = {
        p.relative_to(ROOT).as_posix()
        for source in constraints.SOURCES
        for p in ([ROOT / source] if (ROOT / source).is_file() else (ROOT / source).rglob("*"))
        if p.is_file() and not re.search(r"__pycache__|\.index|\.pyc$", p.as_posix())
    }
    assert built_from | {"deploy/constraints.txt"} == names
    assert not [n for n in names if re.search(r"(^|/)(\.git|\.index|__pycache__|\.?venv)/", n)]
    assert sum(p.stat().st_size for p in context) < 5_000_000


def _pattern(glob: str) -> re.Pattern[str]:
    regex = re.escape(glob.strip().rstrip("/")).replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
    return re.compile(regex.replace(r"\?", "[^/]").replace(r"\[", "[").replace(r"\]", "]"))


# --- constraints ----------------------------------------------------------------------------


def test_the_constraints_satisfy_pyproject() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert constraints.check(pyproject, constraints.CONSTRAINTS.read_text(encoding="utf-8")) == []


def test_a_dependency_without_a_pin_or_outside_its_range_fails_the_check() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pins = constraints.CONSTRAINTS.read_text(encoding="utf-8")
    gained = pyproject.replace("dependencies = [\n", 'dependencies = [\n    "leftpad>=1",\n', 1)
    assert constraints.check(gained, pins) == [
        "leftpad>=1 (wanted by pyproject.toml) is not pinned"
    ]
    old = re.sub(r"(?m)^numpy==.*$", "numpy==1.0", pins)
    assert any(
        "numpy==1.0 does not satisfy numpy>=" in p for p in constraints.check(pyproject, old)
    )


def test_a_dependency_of_an_extra_counts_too() -> None:
    pins = constraints.CONSTRAINTS.read_text(encoding="utf-8")
    pinned = constraints.read_pins(pins)["python-telegram-bot"]
    if metadata.version("python-telegram-bot") != pinned:
        pytest.skip("another python-telegram-bot is installed here: its metadata may differ")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    no_limiter = re.sub(r"(?m)^aiolimiter==.*\n", "", pins)
    [problem] = constraints.check(pyproject, no_limiter)
    assert problem.startswith("aiolimiter") and "is not pinned" in problem


# --- compose, env.example and the systemd unit ----------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return _yaml(DEPLOY / "compose.yaml")


def test_compose_syncs_the_corpus_the_replicas_use_before_they_start(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    *command, folder = services["corpus-sync"]["command"]
    assert command == ["draft-review", "corpus", "sync-shipped", "--corpus"]
    assert services["bot"]["environment"]["CORPUS_DIR"] == folder
    for name in ("corpus-sync", "bot"):
        targets = {re.sub(r"\$\{.*?\}", "", v).split(":")[1] for v in services[name]["volumes"]}
        assert {folder, f"{folder}/local"} <= targets
    completed = services["bot"]["depends_on"]["corpus-sync"]["condition"]
    assert completed == "service_completed_successfully"
    assert "depends_on" not in services["proxy"]  # nginx resolves `bot` per request


def test_every_compose_variable_is_in_env_example() -> None:
    used = set(re.findall(r"\$\{(\w+)", (DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    assert used - set(_env_example()) == set()


def _env_example() -> dict[str, str]:
    lines = (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_corpus_sync_compose_runs_keeps_local_documents_across_upgrades(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    command = compose["services"]["corpus-sync"]["command"]
    corpus = tmp_path / "corpus"
    (corpus / "local").mkdir(parents=True)  # the image's folder, the operator's bind mount
    own = corpus / "local" / "本单位材料.txt"
    own.write_text("一、存在的问题\n（一）理论学习方面。一是学得不深，学用脱节。", encoding="utf-8")
    run = [*command[1:-1], str(corpus)]
    assert cli(run) == 0
    shipped = corpus / SHIPPED_SUBFOLDER
    assert sorted(p.name for p in shipped.glob("*.txt")) == sorted(
        p.name for p in SEEDS.glob("*.txt")
    )
    (shipped / "withdrawn.txt").write_text("上一版附带、这一版撤下的文档。", encoding="utf-8")
    next(shipped.glob("0*.txt")).write_text("上一版的旧文本。", encoding="utf-8")
    assert cli(run) == 0  # the next `up` after an upgrade
    assert not (shipped / "withdrawn.txt").exists()
    for seed in SEEDS.glob("*.txt"):
        assert (shipped / seed.name).read_bytes() == seed.read_bytes()
    assert own.exists() and (corpus / ".index").is_dir()


def test_env_example_starts_the_bot_with_the_shipped_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./seeds: as under systemd or in the image
    env = {**_env_example(), "DATA_DIR": str(tmp_path)}
    assert "CORPUS_DIR" not in env
    assert load_config(env).corpus_dir == SHIPPED_CORPUS
    with pytest.raises(ConfigError, match="CORPUS_DIR"):  # what the old env.example did
        load_config({**env, "CORPUS_DIR": str(tmp_path / "corpus")})


def _unit() -> list[tuple[str, str]]:
    text = (DEPLOY / "draft-review.service").read_text(encoding="utf-8")
    return [
        (key, value)
        for key, _, value in (line.partition("=") for line in text.splitlines())
        if value
    ]


def test_the_systemd_unit_syncs_into_its_state_directory_before_the_bot(tmp_path: Path) -> None:
    unit = _unit()
    env = dict(v.split("=", 1) for k, v in unit if k == "Environment")
    state = [d for k, v in unit if k == "StateDirectory" for d in v.split()]
    assert f"/var/lib/{state[-1]}" == f"{env['CORPUS_DIR']}/local"
    for directory in state:  # what systemd creates, owned by User=
        (tmp_path / directory).mkdir(parents=True, exist_ok=True)
    [sync] = [v for k, v in unit if k == "ExecStartPre" and "sync-shipped" in v]
    program, *args = sync.replace("${CORPUS_DIR}", env["CORPUS_DIR"]).split()
    assert program == "/opt/draft-review/bin/draft-review"
    assert cli([a.replace("/var/lib/", f"{tmp_path}/") for a in args]) == 0
    assert (tmp_path / "draft-review/corpus/shipped").is_dir()
    assert [v.split()[1:] for k, v in unit if k == "ExecStart"] == [["bot"]]


def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    script = shutil.which("draft-review") or pytest.skip("draft-review is not on PATH")
    text = (DEPLOY / "draft-review.service").read_text(encoding="utf-8")
    unit = tmp_path / "draft-review.service"
    unit.write_text(text.replace("/opt/draft-review/bin/draft-review", script), encoding="utf-8")
    done = subprocess.run(
        [analyze, "verify", "--man=no", str(unit)], capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_the_migrate_command_upgrades_a_database(
    compose: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    command = compose["services"]["migrate"]["command"]
    assert command[0] == "draft-review" and cli(command[1:]) == 0


# --- a running replica: the health check, and nginx in front of it ---------------------------


@pytest.fixture(scope="module")
def replica(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProduction]:
    """One webhook replica of the real bot on the corpus folder corpus-sync fills, SQLite."""
    work = tmp_path_factory.mktemp("replica")
    corpus = work / "corpus"
    corpus.mkdir()
    assert cli(["corpus", "sync-shipped", "--corpus", str(corpus)]) == 0
    database = f"sqlite+aiosqlite:///{work / 'bot.db'}"
    with LocalProduction(work, corpus, database_url=database, replicas=1) as running:
        yield running


def _probe(mode: str, port: int) -> int:
    python, *rest = _healthcheck()
    assert python == "python"  # the image's interpreter; here, the one running the tests
    env = {**os.environ, "BOT_MODE": mode, "LISTEN_PORT": str(port)}
    return subprocess.run([sys.executable, *rest], env=env, capture_output=True).returncode


def test_the_healthcheck_passes_on_a_serving_replica_and_fails_without_one(
    replica: LocalProduction,
) -> None:
    assert _probe("webhook", replica.ports[0]) == 0
    assert _probe("webhook", free_port()) != 0  # nothing listens there
    assert _probe("polling", free_port()) == 0  # polling serves no /healthz


class StandInDns:
    """Answers A queries for `bot` with the given addresses (TTL 0), NXDOMAIN otherwise, on
    127.0.0.1 over UDP; records every name asked."""

    def __init__(self, addresses: list[str]) -> None:
        self.addresses, self.asked = addresses, list[str]()
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> StandInDns:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.socket.close()  # recvfrom fails: the thread ends
        self.thread.join(timeout=5)

    def _serve(self) -> None:
        while True:
            try:
                query, peer = self.socket.recvfrom(512)
            except OSError:
                return
            self.socket.sendto(self._answer(query), peer)

    def _answer(self, query: bytes) -> bytes:
        labels, at = [], 12
        while query[at]:
            labels.append(query[at + 1 : at + 1 + query[at]].decode())
            at += 1 + query[at]
        question, (kind,) = query[12 : at + 5], struct.unpack("!H", query[at + 1 : at + 3])
        name = ".".join(labels)
        self.asked.append(name)
        found = self.addresses if name == "bot" and kind == 1 else []
        flags = 0x8180 if found else 0x8183  # a response; recursion; NXDOMAIN when nothing
        header = struct.pack("!6H", int.from_bytes(query[:2]), flags, 1, len(found), 0, 0)
        records = b"".join(
            struct.pack("!HHHIH", 0xC00C, 1, 1, 0, 4) + socket.inet_aton(a) for a in found
        )
        return header + question + records


class Nginx:
    """deploy/nginx.conf as nginx runs it, with only the machine-specific values replaced:
    ports, the folders of the certificate and ACME challenges, and the DNS server's address."""

    def __init__(self, work: Path, *, dns_port: int, bot_port: int) -> None:
        self.work, self.https, self.http = work, free_port(), free_port()
        (work / "tls").mkdir()
        (work / "acme").mkdir()
        self.cert = work / "tls" / "fullchain.pem"
        subprocess.run(
            [_tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(work / "tls" / "privkey.pem"), "-out", str(self.cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
        for old, new in {
            "listen 80;": f"listen 127.0.0.1:{self.http};",
            "listen 443 ssl;": f"listen 127.0.0.1:{self.https} ssl;",
            "/etc/nginx/tls/": f"{work}/tls/",
            "/var/www/acme": f"{work}/acme",
            "resolver 127.0.0.11 ": f"resolver 127.0.0.1:{dns_port} ",
            "http://bot:8080": f"http://bot:{bot_port}",
        }.items():
            assert old in site, old
            site = site.replace(old, new)
        (work / "site.conf").write_text(site, encoding="utf-8")
        temp = " ".join(
            f"{kind}_temp_path {work}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        user = "user root;" if os.geteuid() == 0 else ""  # workers read the temporary folders
        (work / "nginx.conf").write_text(
            f"{user} pid {work}/nginx.pid; error_log {work}/error.log;\n"
            f"events {{}}\nhttp {{ access_log off; {temp} include {work}/site.conf; }}\n",
            encoding="utf-8",
        )
        self.command = [_tool("nginx"), "-p", str(work), "-e", str(work / "error.log")]
        self.command += ["-c", str(work / "nginx.conf")]

    def test(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.command, "-t"], capture_output=True, text=True)

    def __enter__(self) -> Nginx:
        # nginx listens before it detaches, so it accepts connections once this returns.
        subprocess.run(self.command, check=True, capture_output=True)
        return self

    def __exit__(self, *exc: object) -> None:
        pid = int((self.work / "nginx.pid").read_text())
        exited = os.pidfd_open(pid)  # not our child: wait on a pidfd instead of polling
        os.kill(pid, signal.SIGTERM)
        select.select([exited], [], [], 30)
        os.close(exited)

    def client(self) -> httpx.Client:
        tls = ssl.create_default_context(cafile=str(self.cert))
        return httpx.Client(base_url=f"https://127.0.0.1:{self.https}", verify=tls, timeout=30)


def test_nginx_conf_passes_nginx_t(tmp_path: Path) -> None:
    done = Nginx(tmp_path, dns_port=53, bot_port=8080).test()
    assert done.returncode == 0, done.stderr


def test_nginx_terminates_tls_and_finds_every_replica_by_name(
    replica: LocalProduction, tmp_path: Path
) -> None:
    # Two addresses for `bot`: 127.0.0.2 is a replica gone away, 127.0.0.1 the running one.
    with (
        StandInDns(["127.0.0.2", "127.0.0.1"]) as dns,
        Nginx(tmp_path, dns_port=dns.port, bot_port=replica.ports[0]) as nginx,
        nginx.client() as client,
    ):
        assert dns.asked == []  # nginx started without resolving `bot`
        for _ in range(20):  # nginx starts at a random address of the answer each time
            health = client.get("/healthz")
            assert (health.status_code, health.json()["running"]) == (200, True)
        assert "bot" in dns.asked
        # ... so it did try the dead one, and passed the request on instead of answering 502
        assert "127.0.0.2" in (tmp_path / "error.log").read_text(encoding="utf-8")
        update = json.dumps({"update_id": 901, **u.command(903, "/start")})
        refused = client.post(
            "/hook", content=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
        )
        assert refused.status_code == 403  # the replica's answer, through the proxy
        secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert client.post("/hook", content=update, headers=secret).status_code == 200
        replica.api.wait_for(
            lambda c: c.method == "sendMessage" and c.params.get("chat_id") == 903, timeout=30
        )
        (tmp_path / "acme" / ".well-known" / "acme-challenge").mkdir(parents=True)
        (tmp_path / "acme" / ".well-known" / "acme-challenge" / "t0k3n").write_text(
            "proof", encoding="utf-8"
        )
        plain = httpx.Client(base_url=f"http://127.0.0.1:{nginx.http}")
        with plain:
            assert plain.get("/.well-known/acme-challenge/t0k3n").text == "proof"
            moved = plain.get("/hook")
            assert moved.status_code == 301 and moved.headers["location"].startswith("https://")
