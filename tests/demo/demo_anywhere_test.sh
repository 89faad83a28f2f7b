#!/usr/bin/env bash
# scripts/demo works from a checkout anywhere: copies the checkout (git-tracked files) into a
# directory of mode 0700 whose path has a space, runs `scripts/demo`, `status` and `stop` there on
# free ports of its own, runs the first curl line the demo prints (HTTP 200), and checks that
# `stop` left no process of that copy and freed its ports.
#   As root: once as root (PostgreSQL runs as postgres, which cannot enter the copy's parent), and
#   once as the user nobody from a copy it owns (the server then runs as that user, data in .demo/).
#   As any other user: once, as that user.
# Usage: demo_anywhere_test.sh SOURCE_DIR COSTLEDGER_BINARY
set -euo pipefail
src="$1"
binary="$2"
interval=3  # seconds per collector interval: the demo waits for three

fail() {
  echo "demo_anywhere_test: FAIL: $*" >&2
  exit 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port VAR: sets VAR to a port nobody listens on, outside the kernel's ephemeral range
# (32768-60999) where the other tests' servers get theirs, and not taken before by this run.
taken=()
free_port() {
  local p
  for _ in $(seq 500); do
    p=$((20000 + RANDOM % 10000))
    if ! port_in_use "$p" && [[ " ${taken[*]} " != *" $p "* ]]; then
      taken+=("$p")
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  fail "no free port found"
}

as_user() {
  local user="$1"
  shift
  if [ "$user" = "$(id -un)" ]; then "$@"; else runuser -u "$user" -- "$@"; fi
}

# Processes that belong to a demo: working directory or command line in its copy or its
# PostgreSQL directory, or listening on its simulator's address. Prints "pid command" lines.
demo_processes() {
  local copy="$1" pgdir="$2" sim_port="$3" p cwd cmd
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" != "$$" ] || continue
    cwd="$(readlink "$p/cwd" 2>/dev/null)" || cwd=""
    cmd="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" || cmd=""
    if [[ "$cwd/" == "$copy/"* || "$cwd/" == "$pgdir/"* || "$cmd" == *"$copy"* ||
          "$cmd" == *"$pgdir"* || "$cmd" == *"--listen 127.0.0.1:$sim_port "* ]]; then
      echo "${p#/proc/} $cmd"
    fi
  done
}

# Everything each run made, for the cleanup: "user|copy|PostgreSQL dir|simulator port".
runs=()
tmpdirs=()
cleanup() {
  local status=$? run user copy pgdir sim_port pid _
  for run in ${runs[@]+"${runs[@]}"}; do
    IFS='|' read -r user copy pgdir sim_port <<<"$run"
    (cd / && as_user "$user" timeout 60 "$copy/scripts/demo" stop) >/dev/null 2>&1 || true
    while read -r pid _; do
      kill -9 "$pid" 2>/dev/null || true
    done < <(demo_processes "$copy" "${pgdir:-$copy/.demo/pg}" "$sim_port")
    # Outside the copy only as root: /var/tmp/costledger-demo-<hash of the copy's path>.
    case "$pgdir" in /var/tmp/costledger-demo-*) rm -rf "$pgdir" ;; esac
  done
  for dir in ${tmpdirs[@]+"${tmpdirs[@]}"}; do rm -rf "$dir"; done
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Copies the git-tracked files of the checkout (as they are in the working tree) to $1.
copy_checkout() {
  local dest="$1" files=() existing=() f
  mkdir -p "$dest"
  if mapfile -d '' files < <(git -c safe.directory="$src" -C "$src" ls-files -z) &&
      [ ${#files[@]} -gt 0 ]; then
    for f in "${files[@]}"; do [ -e "$src/$f" ] && existing+=("$f"); done
    (cd "$src" && cp -a --parents -t "$dest" -- "${existing[@]}")
  else  # not a git checkout (e.g. a source archive): everything but builds and demo state
    tar -C "$src" --exclude='./build*' --exclude=./.demo -cf - . | tar -C "$dest" -xf -
  fi
}

# run_demo USER: a fresh 0700 directory with a space in its path, owned by USER, with a copy of
# the checkout and of the binary; start, first curl line, status, stop, nothing left.
run_demo() {
  local user="$1" parent copy bin log pg_port sim_port api_port pgdir line code pids pid left
  local base="${TMPDIR:-/tmp}"
  [ "$user" = "$(id -un)" ] || base=/tmp  # TMPDIR may be out of another user's reach
  parent="$(mktemp -d "$base/costledger demo test.XXXXXX")"
  tmpdirs+=("$parent")
  chmod 700 "$parent"
  copy="$parent/check out"
  copy_checkout "$copy"
  bin="$binary"
  if [ "$user" != "$(id -un)" ]; then
    # Another user may not be able to reach the build directory: a copy of the binary too.
    bin="$parent/bin dir/costledger"
    mkdir "$parent/bin dir"
    cp "$binary" "$bin"
    chown -R "$user:" "$parent"
  fi
  copy="$(cd "$copy" && pwd -P)"
  free_port pg_port
  free_port sim_port
  free_port api_port
  runs+=("$user|$copy||$sim_port")
  log="$(mktemp -d)"
  tmpdirs+=("$log")
  echo "== as $user: $copy, ports $pg_port (PostgreSQL) $sim_port (simulator) $api_port (API)"

  demo() {
    (cd "$copy" && as_user "$user" env COSTLEDGER_BINARY="$bin" DEMO_PG_PORT="$pg_port" \
      DEMO_SIM_PORT="$sim_port" DEMO_API_PORT="$api_port" DEMO_INTERVAL_SECONDS="$interval" \
      scripts/demo "$@")
  }

  if ! demo >"$log/start" 2>&1; then
    cat "$log/start" >&2
    tail -20 "$copy/.demo/serve.log" "$copy/.demo/simulate.log" >&2 || true
    fail "scripts/demo (as $user) failed"
  fi
  cat "$log/start"
  pgdir="$(sed -n 's/^demo: starting a private PostgreSQL 15 on .* (data in \(.*\)) \.\.\.$/\1/p' \
    "$log/start")"
  pgdir="${pgdir%/data}"
  [ -n "$pgdir" ] || fail "the demo did not say where its PostgreSQL data is"
  runs[-1]="$user|$copy|$pgdir|$sim_port"
  if [ "$user" = root ]; then
    [[ "$pgdir" == /var/tmp/costledger-demo-* ]] || fail "as root the data is in $pgdir"
    [ "$(stat -c %U "$pgdir/data")" = postgres ] || fail "$pgdir/data is not the postgres user's"
  else
    [ "$pgdir" = "$copy/.demo/pg" ] || fail "as $user the data is in $pgdir, not in .demo/pg"
    [ "$(stat -c %U "$pgdir/data")" = "$user" ] || fail "$pgdir/data is not $user's"
  fi
  grep -qF "data in $pgdir/data" "$log/start" || fail "the demo's summary does not name $pgdir/data"

  # The first curl line the demo prints, as printed.
  line="$(grep -m1 '^  curl ' "$log/start")" || fail "the demo printed no curl line"
  code="$(bash -c "$line -sS -o '$log/body' -w '%{http_code}'")" ||
    fail "the demo's first curl line failed: $line"
  echo "first curl line: HTTP $code, $(wc -c <"$log/body") bytes"
  [ "$code" = 200 ] || fail "the demo's first curl line answered HTTP $code: $(cat "$log/body")"
  grep -q '"code":200' "$log/body" || fail "unexpected answer: $(head -c 500 "$log/body")"

  demo status >"$log/status" 2>&1 || { cat "$log/status" >&2; fail "scripts/demo status failed"; }
  cat "$log/status"
  grep -qxF "demo: PostgreSQL on 127.0.0.1:$pg_port, data in $pgdir/data" "$log/status" ||
    fail "status did not find the server"
  grep -q "^demo: costledger serve running" "$log/status" || fail "status: serve not running"
  grep -A2 node_cost_equals_containers_plus_idle_exactly "$log/status" | grep -qx ' t' ||
    fail "status: node cost is not containers + idle"

  pids="$(cat "$copy/.demo/serve.pid") $(cat "$copy/.demo/simulate.pid")"
  pids+=" $(head -1 "$pgdir/data/postmaster.pid")"
  demo stop >"$log/stop" 2>&1 || { cat "$log/stop" >&2; fail "scripts/demo stop failed"; }
  cat "$log/stop"
  for pid in $pids; do
    if [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
      fail "process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline")) still runs after stop"
    fi
  done
  left="$(demo_processes "$copy" "$pgdir" "$sim_port")"
  [ -z "$left" ] || fail "processes of the demo left after stop:"$'\n'"$left"
  for port in "$pg_port" "$sim_port" "$api_port"; do
    ! port_in_use "$port" || fail "port $port still in use after stop"
  done
  echo "== as $user: stop stopped everything (pids $pids; ports free)"
}

[ -x "$binary" ] || fail "$binary is not an executable"
run_demo "$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
  # The other branch of the demo: run by a user who is not root, from a copy of their own.
  run_demo nobody
fi
echo "demo_anywhere_test: OK"
