#!/usr/bin/env bash
# Measures Terminus at scale with the real proxy process, started by ./terminus as a user starts it:
#   1. N certificates (default 100,000, one key each; generated at run time under target/, never
#      committed, reused by later runs) loaded through certificate-directories: time from exec
#      to /readyz 200, the proxy's own load time (its "snapshot 1: ... ready in X ms" log line),
#      RSS (VmRSS and VmHWM);
#   2. full TLS 1.3 handshakes with clients asking for random names across all N, against the
#      same handshakes on a proxy with one certificate (interleaved rounds, HandshakeLoad);
#   3. one reload of the N certificates with nothing changed: time and RSS;
#   4. idle RSS of the example configuration (config/proxy.yaml) after start-up and 50 requests.
# Figures are upper bounds on a shared machine. Bounded: every wait has a deadline.
set -euo pipefail

usage() {
  cat <<EOF
usage: benchmarks/scale.sh [--count N] [--seconds S] [--rounds R] [--warmup W] [--connections C] [--leaf-only]
                           [--fresh] [--keep]

  --count N        certificates to generate and load (default 100000)
  --seconds S      length of each handshake round (default 4)
  --rounds R       interleaved handshake rounds per target (default 3)
  --warmup W       seconds of handshakes per target before the rounds, for the JIT (default 15)
  --connections C  handshakes in flight (default 8)
  --leaf-only      chain files hold only the leaf (default: leaf, then its issuing CA)
  --fresh          generate new certificates even if a previous run left a usable set
  --keep           keep the temporary directory (configs, logs)

Certificates are generated at run time under benchmarks/target/scale-certs/ (never committed)
and reused by later runs for 20 days (they are valid for 30).

The proxies run with the launcher's default JVM options plus JAVA_OPTS (see the README).
EOF
}

COUNT=100000
SECONDS_PER_ROUND=4
ROUNDS=3
WARMUP=15
CONNECTIONS=8
LEAF_ONLY=""
FRESH=false
KEEP=false
while (($#)); do
  case "$1" in
    --count) COUNT="$2"; shift 2 ;;
    --seconds) SECONDS_PER_ROUND="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --leaf-only) LEAF_ONLY="leaf-only"; shift ;;
    --fresh) FRESH=true; shift ;;
    --keep) KEEP=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "scale.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
PROXY_JAR="$ROOT/proxy/target/terminus-proxy.jar"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
# Under target/ by default (100,000 pairs are ~800 MB of small files; TMPDIR to put them elsewhere).
mkdir -p "$ROOT/benchmarks/target"
TMP="$(mktemp -d "${TMPDIR:-$ROOT/benchmarks/target}/scale-run.XXXXXX")"
PIDS=()

cleanup() {
  local pid
  for pid in ${PIDS[@]+"${PIDS[@]}"}; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in ${PIDS[@]+"${PIDS[@]}"}; do
    wait "$pid" 2>/dev/null || true
  done
  if $KEEP; then
    echo "kept: $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024}' "/proc/$1/status"; }

# Builds the jars when missing or older than a source file, as ./terminus does for its own.
stale="$(find "$ROOT" \( -name target -o -name .git \) -prune -o -type f \( -name pom.xml -o -path '*/src/main/*' \) \
  -newer "$BENCH_JAR" -print -quit 2>/dev/null || echo missing)"
if [[ ! -f "$BENCH_JAR" || ! -f "$PROXY_JAR" || -n "$stale" ]]; then
  echo "building: ./mvnw -B -q -DskipTests package" >&2
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
  touch "$PROXY_JAR" "$BENCH_JAR"
fi

# The launcher makes the proxy's class-data sharing archive once per build; make it now, not in a
# measured start.
"$ROOT/terminus" proxy --help >/dev/null

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "JVM options: launcher defaults + JAVA_OPTS='${JAVA_OPTS:-}'"

CERTS="$ROOT/benchmarks/target/scale-certs/$COUNT-${LEAF_ONLY:-with-issuer}"
if $FRESH || [[ ! -f "$CERTS/.complete" ]] || [[ -n "$(find "$CERTS/.complete" -mtime +20 2>/dev/null)" ]]; then
  rm -rf "$CERTS"
  mkdir -p "$CERTS"
  timeout 900 java -cp "$BENCH_JAR" dev.terminus.benchmarks.ScaleCertificates "$CERTS" "$COUNT" $LEAF_ONLY
  touch "$CERTS/.complete"
else
  echo "reusing $COUNT certificates generated $(date -r "$CERTS/.complete" '+%F %R') in $CERTS (--fresh for new ones)"
fi
mkdir -p "$TMP/many"
cat >"$TMP/many/proxy.yaml" <<EOF
admin: {address: 127.0.0.1, port: 0}
listeners:
  - name: scale
    port: 0
    session-resumption: false   # every handshake a full one
    default-certificate: host0
    certificate-directories: [$CERTS]
    default-action: {fixed-response: {status: 200, body: "ok\n"}}
EOF
mkdir -p "$TMP/one"
cat >"$TMP/one/proxy.yaml" <<EOF
admin: {address: 127.0.0.1, port: 0}
listeners:
  - name: scale
    port: 0
    session-resumption: false
    default-certificate: host0
    certificates: [{name: host0, chain: $CERTS/host0.pem, key: $CERTS/host0.key}]
    default-action: {fixed-response: {status: 200, body: "ok\n"}}
EOF

# Starts ./terminus proxy on a config; sets PID, PORT, ADMIN, READY_MS. The launcher execs java,
# so the background job's pid is the JVM's.
start_proxy() {
  local config="$1" log="$2" t0 deadline
  : >"$log" # exists before the job opens it, so that polling it never races the job's start
  t0="$(now_ms)"
  "$ROOT/terminus" proxy --config "$config" >"$log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  deadline=$((t0 + 300000))
  ADMIN=""
  while [[ -z "$ADMIN" ]]; do
    ADMIN="$(sed -n 's/.*admin on port \([0-9]*\).*/\1/p' "$log" || true)"
    if ! kill -0 "$PID" 2>/dev/null || (($(now_ms) > deadline)); then
      echo "scale.sh: proxy did not start ($config):" >&2
      tail -20 "$log" >&2
      exit 1
    fi
    [[ -n "$ADMIN" ]] || sleep 0.02
  done
  until curl -sf -o /dev/null "http://127.0.0.1:$ADMIN/readyz"; do
    (($(now_ms) < deadline)) || { echo "scale.sh: /readyz never answered 200" >&2; exit 1; }
    sleep 0.02
  done
  READY_MS=$(($(now_ms) - t0))
  PORT="$(sed -n 's/.*serving {[a-z]*=\/127.0.0.1:\([0-9]*\).*/\1/p' "$log")"
}

echo
echo "== $COUNT certificates (certificate-directories), real proxy process"
start_proxy "$TMP/many/proxy.yaml" "$TMP/many.log"
MANY_PID=$PID
MANY_PORT=$PORT
MANY_ADMIN=$ADMIN
echo "exec to /readyz 200: $READY_MS ms; proxy's own figure: $(sed -n 's/.*snapshot 1: \(.*\)/\1/p' "$TMP/many.log")"
echo "after load: $(rss "$MANY_PID")"

echo
echo "== handshakes: random names across $COUNT vs one certificate (TLS 1.3, full handshakes, loopback)"
start_proxy "$TMP/one/proxy.yaml" "$TMP/one.log"
ONE_PID=$PID
timeout $(((ROUNDS + 1) * 3 * (SECONDS_PER_ROUND + WARMUP + 30) + 120)) \
  java -cp "$BENCH_JAR" dev.terminus.benchmarks.HandshakeLoad \
  --seconds "$SECONDS_PER_ROUND" --rounds "$ROUNDS" --warmup "$WARMUP" --connections "$CONNECTIONS" \
  "1-certificate=$PORT,$ONE_PID,1" "$COUNT-certificates-1-name=$MANY_PORT,$MANY_PID,1" \
  "$COUNT-certificates-random-names=$MANY_PORT,$MANY_PID,$COUNT"
echo "after handshakes: $COUNT certificates: $(rss "$MANY_PID"); 1 certificate: $(rss "$ONE_PID")"

echo
echo "== reload of the $COUNT certificates, nothing changed (files re-read and checked, key material reused)"
t0="$(now_ms)"
curl -sf -o /dev/null --max-time 120 -X POST "http://127.0.0.1:$MANY_ADMIN/admin/reload"
echo "POST /admin/reload: $(($(now_ms) - t0)) ms; proxy's own figure: $(sed -n 's/.*snapshot 2: \(.*\)/\1/p' "$TMP/many.log")"
echo "after the reload: $(rss "$MANY_PID")"
kill "$MANY_PID" "$ONE_PID"
wait "$MANY_PID" "$ONE_PID" 2>/dev/null || true

echo
echo "== idle: the example configuration (config/proxy.yaml, ports 0)"
mkdir -p "$TMP/example"
sed -e 's/^\(  *port:\) [0-9][0-9]*/\1 0/' "$ROOT/config/proxy.yaml" >"$TMP/example/proxy.yaml"
java -cp "$PROXY_JAR" dev.terminus.proxy.devcerts.ExampleCertificates "$TMP/example/certs" >/dev/null
start_proxy "$TMP/example/proxy.yaml" "$TMP/example.log"
echo "exec to /readyz 200: $READY_MS ms; after start: $(rss "$PID")"
for _ in $(seq 25); do
  curl -sk --http1.1 -o /dev/null "https://127.0.0.1:$PORT/"
  curl -sk --http2 -o /dev/null "https://127.0.0.1:$PORT/"
done
curl -sf -o /dev/null "http://127.0.0.1:$ADMIN/metrics"
echo "after 50 requests and a /metrics scrape: $(rss "$PID")"
