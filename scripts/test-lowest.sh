#!/usr/bin/env bash
# The unit tests (domain, store; the PBX client over HTTP and TLS against the sandbox)
# with the LOWEST versions
# pyproject.toml allows: uv resolves every direct requirement to its floor
# (--resolution lowest-direct), so the floors in [project] dependencies are versions that
# work, not guesses. The test tools come from the [test] extra, at their floors too.
# The environment is .venv-lowest, made again when pyproject.toml or the Python changes;
# uv is the one from PyPI in .venv (the [test] extra).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
UV=${UV:-.venv/bin/uv}
VENV=.venv-lowest
# What the tests below import from the [test] extra.
TOOLS='pytest pytest-asyncio pytest-timeout hypothesis jsonschema'

key=$( (cat pyproject.toml "$0"; "$PYTHON" -VV) | sha256sum | cut -c1-16)
if [ ! -f "$VENV/.stamp-$key" ]; then
    rm -rf "$VENV"
    "$UV" venv --quiet --python "$PYTHON" "$VENV"
    # The [test] extra's requirement lines for TOOLS, floors and all.
    mapfile -t tools < <(.venv/bin/python - "$TOOLS" <<'EOF'
import re, sys
try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib
wanted = set(sys.argv[1].split())
with open("pyproject.toml", "rb") as fh:
    extra = tomllib.load(fh)["project"]["optional-dependencies"]["test"]
for req in extra:
    if re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower() in wanted:
        print(req)
EOF
    )
    "$UV" pip install --quiet --python "$VENV/bin/python" --resolution lowest-direct \
        -e . "${tools[@]}"
    touch "$VENV/.stamp-$key"
fi

echo "lowest-direct versions:" $("$UV" pip freeze --python "$VENV/bin/python" 2>/dev/null |
    grep -iE '^(textual|pydantic|httpx|keyring|tomli-w|platformdirs|dnspython|starlette|uvicorn|cryptography|sniffio|pytest|pytest-asyncio|hypothesis)==' |
    tr '\n' ' ')
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider -m "not slow and not integration" \
    tests/domain tests/store tests/test_compat.py \
    tests/pbx/test_pbx_core.py tests/pbx/test_pbx_sandbox.py tests/pbx/test_pbx_tls.py "$@"
