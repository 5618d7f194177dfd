#!/usr/bin/env bash
# A plain install, as the deployment does it: build the wheel, install it into a fresh venv and
# use it from a folder that is not the checkout. Fails if the shipped corpus did not travel with
# the package or if the installed copy was written to.
#   bash .ci/wheel-check.sh [VENV]   # VENV: a venv that already has the wheel installed
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d /tmp/draft-review-wheel.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

VENV=${1:-}
if [ -z "$VENV" ]; then
  VENV="$WORK/venv"
  python3 -m pip wheel --quiet --no-deps --wheel-dir "$WORK/dist" .
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "$WORK"/dist/draft_review-*.whl
fi

mkdir "$WORK/elsewhere"
cd "$WORK/elsewhere"
unset CORPUS_DIR
export XDG_CACHE_HOME="$WORK/cache"
DR="$VENV/bin/draft-review"
"$DR" review - --color never < "$ROOT/examples/sample_draft.txt" > review.txt
grep -q "近似" review.txt || { echo "wheel: the review found no near-copy" >&2; exit 1; }
"$DR" review - --json < "$ROOT/examples/sample_draft.txt" \
  | "$VENV/bin/python" -c 'import json,sys; r=json.load(sys.stdin); assert r["matches"], "no matches"'
"$DR" examples 廉洁自律 -n 2 --color never | grep -q "廉洁自律"
"$DR" corpus stats --color never | tee stats.txt | grep -q "文档 5 篇"
# The bot's configuration finds the installed corpus too (no CORPUS_DIR, no ./seeds here).
"$VENV/bin/python" -c '
from bot.config import load_config
from core.shipped import SHIPPED_CORPUS
config = load_config({"TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35, "DATA_DIR": "data"})
assert config.corpus_dir == SHIPPED_CORPUS, config.corpus_dir
'
SITE=$("$VENV/bin/python" -c 'import core, pathlib; print(pathlib.Path(core.__file__).parent)')
test -f "$SITE/shipped_corpus/000_4429b7620e03c467.txt"
if [ -e "$SITE/shipped_corpus/.index" ]; then
  echo "wheel: an index was written into the installed package" >&2
  exit 1
fi
echo "wheel check: installed draft-review reviews, gives examples and corpus stats from $PWD"
