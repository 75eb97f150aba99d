# Sourced by bin/run and bin/test: puts the command that runs uv into the array UV,
# installing uv for this user first when it is missing (python3 -m pip install --user uv).
# shellcheck shell=bash

if command -v uv >/dev/null 2>&1; then
    UV=(uv)
elif python3 -m uv --version >/dev/null 2>&1; then
    UV=(python3 -m uv)
else
    echo "bin: uv not found; installing it for this user (python3 -m pip install --user uv)" >&2
    # Debian's system Python refuses --user installs (PEP 668) unless told that is intended;
    # a --user install leaves the system packages alone, so the override is safe here.
    python3 -m pip install --user --quiet uv \
        || python3 -m pip install --user --quiet --break-system-packages uv
    UV=(python3 -m uv)
fi
# Python itself comes from the machine (3.11); never try to download one (closed networks).
export UV_PYTHON_DOWNLOADS="${UV_PYTHON_DOWNLOADS:-never}"
