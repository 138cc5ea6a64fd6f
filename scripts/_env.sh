# Shared by the scripts: make a virtualenv with the project installed (editable).
# Usage: make_venv DIR PYTHON "EXTRAS" "GROUPS" ["DJANGO_SPEC"]
#   EXTRAS  the published extras, comma-separated; one of them must be a phone number library
#           (phonenumberslite or phonenumbers), as on a site
#   GROUPS  the project's own dependency groups (pyproject.toml [dependency-groups]: test, lint,
#           bench), space-separated, or "" for the runtime dependencies only

make_venv() {
  local dir=$1 python=$2 extras=$3 groups=$4 django=${5:-}
  local stamp="$dir/.installed"
  local want group_args=() group
  want="$(cat pyproject.toml) [$extras] {$groups} $django $($python --version 2>&1)"
  for group in $groups; do
    group_args+=(--group "$group")
  done
  if [ ! -x "$dir/bin/python" ]; then
    echo "==> creating $dir with $($python --version 2>&1)"
    "$python" -m venv "$dir"
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "==> installing django-webotp[$extras]${groups:+ with the groups $groups}${django:+ and $django} into $dir"
    # pip >= 25.1 reads dependency groups (--group); a venv's bundled pip may be older.
    "$dir/bin/python" -m pip install --quiet --upgrade "pip>=25.1"
    "$dir/bin/python" -m pip install --quiet -e ".[$extras]" "${group_args[@]}" ${django:+"$django"}
    printf '%s' "$want" > "$stamp"
  fi
}
