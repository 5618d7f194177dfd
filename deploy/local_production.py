"""The production shape on one machine, without Docker: a throwaway PostgreSQL, a stand-in
Bot API on 127.0.0.1 and two webhook replicas of the real bot. Run from a checkout:

    python deploy/local_production.py          # prints the endpoints; Ctrl-C stops everything

The end-to-end replica tests drive the same `LocalProduction` class.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bot.fake_api import TOKEN, FakeBotApi  # noqa: E402  (the stand-in lives with the tests)
from tests.e2e.server import StandInServer  # noqa: E402

SECRET = "local-production-secret-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Postgres:
    """A temporary PostgreSQL cluster (Debian's binaries), run as the postgres user if root."""

    def __init__(self) -> None:
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not binaries:
            raise SystemExit("PostgreSQL is not installed: apt-get install postgresql")
        self.bin = binaries[-1].parent
        self.data = Path(tempfile.mkdtemp(prefix="draft-review-pg-"))
        self.port = free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.data, pwd.getpwnam("postgres").pw_uid)
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in command)]
        subprocess.run(command, check=True, capture_output=True)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.resume()

    def pause(self) -> None:
        """Stop the server, keeping its data (a database that goes away for a while)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k /tmp"
        log = str(self.data / "log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l", log, "start")

    def stop(self) -> None:
        try:
            self.pause()
        finally:
            shutil.rmtree(self.data, ignore_errors=True)


class LocalProduction:
    """PostgreSQL (or a given URL) + stand-in Bot API + two webhook replicas."""

    def __init__(
        self, work: Path, corpus: Path, *, database_url: str | None = None, replicas: int = 2
    ) -> None:
        self.work, self.corpus, self.replicas = work, corpus, replicas
        self.postgres = None if database_url else Postgres()
        self.database_url = database_url or (self.postgres.url if self.postgres else "")
        self.api = FakeBotApi()
        self.server = StandInServer(self.api)
        self.ports = [free_port() for _ in range(replicas)]
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> LocalProduction:
        if self.postgres is not None:
            self.postgres.start()
        self.server.__enter__()
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            cwd=ROOT,
            env=self._env(0),
            check=True,
            capture_output=True,
        )
        for n in range(self.replicas):
            with (self.work / f"replica{n}.log").open("wb") as log:
                command = [sys.executable, "-m", "bot.cli", "bot"]
                self.processes.append(
                    subprocess.Popen(command, cwd=ROOT, env=self._env(n), stdout=log, stderr=log)
                )
            # A replica registers its webhook once it listens: that call says it is ready.
            self.api.wait_for(lambda c: c.method == "setWebhook", count=n + 1, timeout=90)
        return self

    def _env(self, n: int) -> dict[str, str]:
        return {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.server.base_url,
            "TELEGRAM_FILE_BASE_URL": self.server.file_base_url,
            "DATABASE_URL": self.database_url,
            "CORPUS_DIR": str(self.corpus),
            "DATA_DIR": str(self.work / f"replica{n}"),
            "BOT_MODE": "webhook",
            "WEBHOOK_URL": f"http://127.0.0.1:{self.ports[n]}/hook",
            "WEBHOOK_SECRET": SECRET,
            "LISTEN_HOST": "127.0.0.1",
            "LISTEN_PORT": str(self.ports[n]),
        }

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[n]}"

    def stop_replicas(self) -> list[int]:
        """SIGTERM every replica and return their exit codes."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        return [process.wait(timeout=90) for process in self.processes]

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        self.server.__exit__(kind, error, trace)
        if self.postgres is not None:
            self.postgres.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    for signum in (signal.SIGINT, signal.SIGTERM):  # also when started in the background
        signal.signal(signum, _interrupt)
    work = Path(tempfile.mkdtemp(prefix="draft-review-local-"))
    corpus = work / "corpus"
    corpus.mkdir()  # filled as compose's corpus-sync service fills its volume
    sync = [sys.executable, "-m", "bot.cli", "corpus", "sync-shipped", "--corpus", str(corpus)]
    subprocess.run(sync, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with LocalProduction(work, corpus) as shape:
        print(f"PostgreSQL   {shape.database_url}")
        print(f"Bot API      {shape.server.base_url}  (stand-in)")
        for n in range(shape.replicas):
            print(f"replica {n}    {shape.url(n)}/hook  health {shape.url(n)}/healthz")
        print(f"webhook secret {SECRET}")
        print(f"logs in {work}; Ctrl-C stops everything")
        try:
            while all(p.poll() is None for p in shape.processes):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        print("exit codes:", shape.stop_replicas())
    return 0


if __name__ == "__main__":
    sys.exit(main())
