# Sourced by deploy/prod-check.sh and bench/cluster.sh.

wait_for() { # wait_for SECONDS COMMAND...: until the command succeeds, checked five times a second
  local seconds=$1
  shift
  for _ in $(seq "$((seconds * 5))"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "${0##*/}: gave up waiting for: $*" >&2
  return 1
}
