# Shared by scripts/example and scripts/test: make a virtualenv with the project installed.
# Usage: make_venv DIR PYTHON "EXTRAS" ["DJANGO_SPEC"]

make_venv() {
  local dir=$1 python=$2 extras=$3 django=${4:-}
  local stamp="$dir/.installed"
  local want
  want="$(cat pyproject.toml) $extras $django $($python --version 2>&1)"
  if [ ! -x "$dir/bin/python" ]; then
    echo "==> creating $dir with $($python --version 2>&1)"
    "$python" -m venv "$dir"
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "==> installing django-webotp[$extras] ${django:+with $django }into $dir"
    "$dir/bin/python" -m pip install --quiet --upgrade pip
    "$dir/bin/python" -m pip install --quiet -e ".[$extras]" ${django:+"$django"}
    printf '%s' "$want" > "$stamp"
  fi
}
