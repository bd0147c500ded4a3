#!/usr/bin/env bash
# Compares Terminus with nginx and HAProxy on one machine (issue #5, item 2): the same load
# generator (wrk) against each server in interleaved rounds, with each server's CPU time read
# from /proc before and after every run. See benchmarks/compare/README.md for how to read it.
#
#   benchmarks/compare.sh [--quick] [--rounds N] [--duration S] [--only SERVER] [--key KEY] ...
#
# Runs as root on Debian: installs nginx, haproxy, nghttp2-client and wrk when missing.
set -euo pipefail

readonly MAX_TOTAL_SECONDS=570   # the whole script, set-up included, stays under 10 minutes
readonly SERVER_CPU=1            # every server under test runs here, one at a time
readonly LOAD_CPU=0              # wrk and the shared backend run here
readonly SERVERS_ALL=(terminus nginx haproxy)
readonly SCENARIOS_ALL=(hs13 hs12 fixed forward)
# The JVM settings are part of the result: say them with it.
readonly TERMINUS_JVM_OPTS=(-XX:+UseParallelGC -Xms256m -Xmx1g -XX:ActiveProcessorCount=1 -Dio.netty.leakDetection.level=disabled)

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
TEMPLATES=$SCRIPT_DIR/compare

rounds=3
duration=6
warmup=4
jit_settle=60
only=""
keys=(ecdsa rsa)
scenarios=("${SCENARIOS_ALL[@]}")
base_port=19400
hs_conns=16
ka_conns=4
install=1
keep=0
jar=$REPO/proxy/target/terminus-proxy.jar

usage() {
    cat <<EOF
Usage: $0 [options]

Benchmarks Terminus, nginx and HAProxy side by side on loopback: full TLS handshakes
(a new connection per request) and keep-alive requests (fixed response and forwarding).

  --quick             short rounds: --rounds 1 --duration 3, 1 s warm-up
  --rounds N          measured rounds, each server once per scenario per round (default $rounds)
  --duration S        seconds per measured run (default $duration)
  --warmup S          seconds per unrecorded warm-up run before round 1 (default $warmup; 0: none)
  --jit-settle S      after the warm-up, keep warming Terminus until its JIT compilers use
                      under 3% of its CPU over a pass of every run, for at most S seconds
                      (default $jit_settle; 0: no settling). A JVM compiles for minutes under
                      load; nginx and HAProxy never do: this measures each at steady state.
  --only SERVER       terminus, nginx or haproxy (default: all three; ratios need nginx)
  --key KEY           ecdsa, rsa or both: certificate of the handshake runs (default both)
  --scenarios LIST    comma-separated subset of ${SCENARIOS_ALL[*]} (default all)
  --hs-connections N  wrk connections in the handshake runs (default $hs_conns)
  --ka-connections N  wrk connections in the keep-alive runs (default $ka_conns)
  --base-port P       first of the loopback ports used, P..P+40 (default $base_port)
  --jar FILE          Terminus jar (default proxy/target/terminus-proxy.jar, built if missing)
  --no-install        do not apt-get install missing tools
  --keep              keep the temporary directory (configs, logs, wrk output; never keys)
  -h, --help          this help

Servers run pinned to CPU $SERVER_CPU, wrk and the backend to CPU $LOAD_CPU; the servers not
being measured are paused with SIGSTOP. The whole run is refused if its estimate exceeds
$MAX_TOTAL_SECONDS s, and stops early (printing what it measured) if it would run over.
EOF
}

die() { echo "compare.sh: $*" >&2; exit 1; }
usage_error() { echo "compare.sh: $*" >&2; echo "Try '$0 --help'." >&2; exit 2; }
log() { printf '[%5.1fs] %s\n' "$(elapsed)" "$*" >&2; }

positive_int() { # name value
    [[ $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || usage_error "$1: $2 (expected: a whole number > 0)"
}

while (($#)); do
    case $1 in
        --quick) rounds=1 duration=3 warmup=1 jit_settle=0 ;;
        --rounds) positive_int "$1" "${2-}"; rounds=$2; shift ;;
        --duration) positive_int "$1" "${2-}"; duration=$2; shift ;;
        --jit-settle) [[ ${2-} =~ ^[0-9]+$ ]] || usage_error "--jit-settle: ${2-} (expected: a whole number >= 0)"
                  jit_settle=$2; shift ;;
        --warmup) [[ ${2-} =~ ^[0-9]+$ ]] || usage_error "--warmup: ${2-} (expected: a whole number >= 0)"
                  warmup=$2; shift ;;
        --only) case ${2-} in terminus|nginx|haproxy) only=$2 ;;
                    *) usage_error "--only: ${2-} (expected: terminus, nginx or haproxy)" ;; esac
                shift ;;
        --key) case ${2-} in ecdsa|rsa) keys=("$2") ;; both) keys=(ecdsa rsa) ;;
                   *) usage_error "--key: ${2-} (expected: ecdsa, rsa or both)" ;; esac
               shift ;;
        --scenarios) IFS=, read -r -a scenarios <<<"${2-}"
                     ((${#scenarios[@]})) || usage_error "--scenarios: empty"
                     for s in "${scenarios[@]}"; do
                         [[ " ${SCENARIOS_ALL[*]} " == *" $s "* ]] \
                             || usage_error "--scenarios: $s (expected: some of ${SCENARIOS_ALL[*]})"
                     done
                     shift ;;
        --hs-connections) positive_int "$1" "${2-}"; hs_conns=$2; shift ;;
        --ka-connections) positive_int "$1" "${2-}"; ka_conns=$2; shift ;;
        --base-port) positive_int "$1" "${2-}"; base_port=$2; shift
                     ((base_port + 40 < 65536)) || usage_error "--base-port: $base_port (expected: < 65495)" ;;
        --jar) [[ -n ${2-} ]] || usage_error "--jar: missing file"; jar=$2; shift ;;
        --no-install) install=0 ;;
        --keep) keep=1 ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unknown option: $1" ;;
    esac
    shift
done

if [[ -n $only ]]; then servers=("$only"); else servers=("${SERVERS_ALL[@]}"); fi

start_seconds=$EPOCHSECONDS
elapsed() { echo $((EPOCHSECONDS - start_seconds)); }

# ---------------------------------------------------------------------------------------------
# The runs: one line per (scenario, key) with the TLS version and wrk settings it uses.
# Handshake runs (hs13, hs12) send "Connection: close", so every request is a new connection;
# keep-alive runs (fixed, forward) use TLS 1.3 and the ECDSA certificate.

runs=()   # entries "scenario key"
for s in "${scenarios[@]}"; do
    case $s in
        hs13|hs12) for k in "${keys[@]}"; do runs+=("$s $k"); done ;;
        *) runs+=("$s ecdsa") ;;
    esac
done

per_run_overhead=2   # resume, settle, counters, pause
estimate=$((25 + ${#runs[@]} * ${#servers[@]} * (rounds * (duration + per_run_overhead)
                                                   + (warmup > 0 ? warmup + per_run_overhead : 0))))
[[ " ${servers[*]} " == *" terminus "* ]] && estimate=$((estimate + jit_settle))
if ((estimate > MAX_TOTAL_SECONDS)); then
    usage_error "this would take about ${estimate}s (limit ${MAX_TOTAL_SECONDS}s):" \
        "use fewer --rounds, a shorter --duration, --key or --scenarios"
fi

[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and runs nginx as root)"
(($(nproc) >= 2)) || die "needs at least 2 CPUs (servers on CPU $SERVER_CPU, load on CPU $LOAD_CPU)"

# ---------------------------------------------------------------------------------------------
# Tools

install_tools() {
    local -A pkg_of=([nginx]=nginx [haproxy]=haproxy [h2load]=nghttp2-client [wrk]=wrk
                     [openssl]=openssl [curl]=curl [taskset]=util-linux [ss]=iproute2
                     [java]=default-jre-headless)
    local missing=() cmd
    for cmd in "${!pkg_of[@]}"; do
        command -v "$cmd" >/dev/null || missing+=("${pkg_of[$cmd]}")
    done
    ((${#missing[@]})) || return 0
    ((install)) || die "missing: ${missing[*]} (run without --no-install, or install them)"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    # The packages start and enable their system services; this benchmark runs its own copies.
    local svc
    for svc in nginx haproxy; do
        [[ " ${missing[*]} " == *" $svc "* ]] || continue
        if [[ -d /run/systemd/system ]]; then
            systemctl disable --now "$svc" >/dev/null 2>&1 || true
        else
            service "$svc" stop >/dev/null 2>&1 || true
            update-rc.d "$svc" disable >/dev/null 2>&1 || true
        fi
    done
}

install_tools

if [[ ! -f $jar ]]; then
    log "building $jar"
    (cd "$REPO" && ./mvnw -B -q -DskipTests package)
fi

# ---------------------------------------------------------------------------------------------
# Ports: backend, admin/status ports, then four listeners per server (hs-ecdsa, hs-rsa, fixed,
# forward). Refuse to start if any is taken rather than measure someone else's server.

declare -A port
port[backend]=$base_port
port[terminus_admin]=$((base_port + 1))
port[nginx_status]=$((base_port + 2))
port[haproxy_cli]=$((base_port + 3))
i=1
for srv in "${SERVERS_ALL[@]}"; do
    port[${srv}_hs-ecdsa]=$((base_port + 10 * i))
    port[${srv}_hs-rsa]=$((base_port + 10 * i + 1))
    port[${srv}_fixed]=$((base_port + 10 * i + 2))
    port[${srv}_forward]=$((base_port + 10 * i + 3))
    i=$((i + 1))
done
for p in "${port[@]}"; do
    [[ -z $(ss -Htln "sport = :$p") ]] || die "port $p is in use (choose another --base-port)"
done

# ---------------------------------------------------------------------------------------------
# Clean-up: every process this script starts is recorded here and ended on exit.

tmp=$(mktemp -d /tmp/terminus-compare.XXXXXX)
# Access logs go to their own directory: Terminus watches its configuration's directory for
# changes, and the other servers' log writes there would wake its watcher (and bill it the CPU).
mkdir -p "$tmp/logs"
declare -A pid=()   # terminus, nginx, haproxy, backend -> pid of the process we started

cleanup() {
    local status=$? name p
    trap - EXIT INT TERM
    for name in "${!pid[@]}"; do
        # A paused nginx worker would ignore its master's TERM until the master kills it.
        for p in $(server_pids "$name"); do kill -CONT "$p" 2>/dev/null || true; done
        kill -TERM "${pid[$name]}" 2>/dev/null || true
    done
    for name in "${!pid[@]}"; do
        p=${pid[$name]}
        for _ in {1..50}; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$p" 2>/dev/null; then
            echo "compare.sh: $name (pid $p) did not stop on TERM; killing it" >&2
            kill -KILL "$p" 2>/dev/null || true
        fi
        wait "$p" 2>/dev/null || true
    done
    rm -f "$tmp"/*.key "$tmp"/*.haproxy.pem
    if ((keep)); then echo "compare.sh: kept $tmp (keys removed)" >&2; else rm -rf "$tmp"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Certificates: one ECDSA P-256 CA, an ECDSA P-256 and an RSA 2048 leaf, generated now.

generate_certificates() {
    local k
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ca.key" 2>/dev/null
    openssl req -x509 -new -key "$tmp/ca.key" -subj "/CN=Terminus Benchmark CA" -days 2 \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$tmp/ca.pem" 2>/dev/null
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,DNS:terminus.test,IP:127.0.0.1" \
        >"$tmp/leaf.ext"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ecdsa.key" 2>/dev/null
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa.key" 2>/dev/null
    for k in ecdsa rsa; do
        openssl req -new -key "$tmp/$k.key" -subj "/CN=terminus.test" -out "$tmp/$k.csr" 2>/dev/null
        openssl x509 -req -in "$tmp/$k.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
            -days 2 -extfile "$tmp/leaf.ext" -out "$tmp/$k.pem" 2>/dev/null
        # HAProxy reads the certificate and its key from one file.
        cat "$tmp/$k.pem" "$tmp/$k.key" >"$tmp/$k.haproxy.pem"
    done
    rm -f "$tmp/ca.key" "$tmp"/*.csr "$tmp"/*.srl
}

# Fills @NAME@ placeholders in a template from the port table and the temp dir.
render() { # template output [extra sed expressions...]
    local template=$1 out=$2 key name
    shift 2
    local exprs=(-e "s|@TMP@|$tmp|g" "$@")
    for key in "${!port[@]}"; do
        name=${key^^}
        name=${name//-/_}
        exprs+=(-e "s|@${name}_PORT@|${port[$key]}|g")
    done
    sed "${exprs[@]}" "$template" >"$out"
    if grep -q '@[A-Z_0-9]*@' "$out"; then die "unfilled placeholder in $out"; fi
}

# ---------------------------------------------------------------------------------------------
# Servers

wait_for_port() { # name port
    local i
    for i in {1..150}; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return 0; fi
        kill -0 "${pid[$1]}" 2>/dev/null || die "$1 exited at start; see $tmp/$1.stderr"
        sleep 0.2
    done
    die "$1 did not open port $2 within 30 s; see $tmp/$1.stderr"
}

start_backend() {
    render "$TEMPLATES/backend.conf.in" "$tmp/backend.conf"
    taskset -c "$LOAD_CPU" nginx -p "$tmp" -e "$tmp/backend-error.log" -c "$tmp/backend.conf" \
        -g 'daemon off;' 2>"$tmp/backend.stderr" &
    pid[backend]=$!
    wait_for_port backend "${port[backend]}"
}

start_server() { # name
    case $1 in
        terminus)
            render "$TEMPLATES/terminus.yaml.in" "$tmp/terminus.yaml"
            taskset -c "$SERVER_CPU" java "${TERMINUS_JVM_OPTS[@]}" -jar "$jar" --config "$tmp/terminus.yaml" \
                2>"$tmp/terminus.stderr" >/dev/null &
            pid[terminus]=$!
            wait_for_port terminus "${port[terminus_admin]}"
            wait_for_port terminus "${port[terminus_forward]}" ;;
        nginx)
            render "$TEMPLATES/nginx.conf.in" "$tmp/nginx.conf"
            : >"$tmp/logs/nginx-hs.log"
            taskset -c "$SERVER_CPU" nginx -p "$tmp" -e "$tmp/nginx-error.log" -c "$tmp/nginx.conf" \
                -g 'daemon off;' 2>"$tmp/nginx.stderr" &
            pid[nginx]=$!
            wait_for_port nginx "${port[nginx_status]}" ;;
        haproxy)
            render "$TEMPLATES/haproxy.cfg.in" "$tmp/haproxy.cfg"
            taskset -c "$SERVER_CPU" haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/logs/haproxy-access.log" \
                2>"$tmp/haproxy.stderr" &
            pid[haproxy]=$!
            wait_for_port haproxy "${port[haproxy_cli]}" ;;
    esac
}

# All processes of a server: nginx is a master and its worker(s); the others are one process.
server_pids() { # name
    local p=${pid[$1]}
    echo "$p"
    if [[ $1 == nginx ]]; then pgrep -P "$p" || true; fi
}

signal_server() { # signal name
    local p
    for p in $(server_pids "$2"); do kill "-$1" "$p"; done
}

# utime + stime of every process of a server, in clock ticks (threads included, /proc/PID/stat
# fields 14 and 15; the command name in field 2 may hold spaces, so cut after its ')').
cpu_ticks() { # name
    local p stat rest total=0 f
    for p in $(server_pids "$1"); do
        stat=$(<"/proc/$p/stat")
        rest=${stat##*) }
        read -r -a f <<<"$rest"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}

jit_ticks() { # CPU ticks of Terminus's JIT compiler threads (C1 and C2)
    local t stat f total=0
    for t in /proc/"${pid[terminus]}"/task/*; do
        [[ $(<"$t/comm") == C[12]" CompilerThre"* ]] || continue
        stat=$(<"$t/stat") || continue
        read -r -a f <<<"${stat##*) }"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}

# Busy ticks of the servers' core (all programs, interrupts included), from /proc/stat.
core_ticks() {
    awk -v c="cpu$SERVER_CPU" '$1 == c { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

haproxy_cli() { # command
    local fd out
    exec {fd}<>"/dev/tcp/127.0.0.1/${port[haproxy_cli]}"
    printf '%s\n' "$1" >&"$fd"
    out=$(timeout 5 cat <&"$fd" || true)
    exec {fd}>&-
    printf '%s\n' "$out"
}

# Server-side counters for one listener, as "handshakes full_handshakes expected_protocol_handshakes
# requests". A field the server cannot tell is "-".
counters() { # name listener tls_version(TLSv1.3|TLSv1.2)
    local name=$1 listener=$2 tls=$3
    case $name in
        terminus)
            # terminus_tls_handshakes_total{cipher=...,listener=...,protocol=...,result="success",sni=...} N
            # Resumption is off on every listener, so every successful handshake is a full one.
            curl -s --max-time 5 "http://127.0.0.1:${port[terminus_admin]}/metrics" | awk -v l="$listener" -v t="$tls" '
                /^terminus_tls_handshakes_total\{/ && index($0, "listener=\"" l "\"") && index($0, "result=\"success\"") {
                    hs += $NF; if (index($0, "protocol=\"" t "\"")) ok += $NF }
                END { printf "%d %d %d -\n", hs, hs, ok }' ;;
        nginx)
            # The hs listeners' JSON lines carry ssl_protocol and ssl_session_reused ("." = full).
            local stub
            stub=$(curl -s --max-time 5 "http://127.0.0.1:${port[nginx_status]}/")
            if [[ $listener == hs-* ]]; then
                awk -v t="$tls" '{ n++; if (index($0, "\"ssl_session_reused\":\".\"")) full++
                                   if (index($0, "\"tls_protocol\":\"" t "\"")) ok++ }
                    END { printf "%d %d %d ", n, full, ok }' "$tmp/logs/nginx-hs.log"
            else
                printf -- '- - - '
            fi
            awk 'NR == 3 { print $3 }' <<<"$stub" ;;
        haproxy)
            # CumSslConns counts TLS connections; with no cache and no tickets none can resume.
            local info stat
            info=$(haproxy_cli "show info")
            stat=$(haproxy_cli "show stat")
            awk -F': ' '$1 == "CumSslConns" { c = $2 } $1 == "SslCacheLookups" { l = $2 }
                END { printf "%d %d - ", c, c - l }' <<<"$info"
            awk -F, -v l="$listener" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "req_tot") c = i }
                $1 == l && $2 == "FRONTEND" { print $c }' <<<"$stat" ;;
    esac
}

# ---------------------------------------------------------------------------------------------
# One measured (or warm-up) run of wrk against one server.

results=$tmp/results.tsv
printf 'round\tserver\tscenario\ttls\tkey\trequests\tseconds\tticks\ths\tfull\tproto_ok\tsrv_requests\terrors\tcore_ticks\tjit_ticks\n' >"$results"
clk_tck=$(getconf CLK_TCK)

run_one() { # round server scenario key
    local round=$1 name=$2 scenario=$3 key=$4 listener tls conns secs
    local wrk_args=()
    case $scenario in
        hs13) listener=hs-$key tls=TLSv1.3 conns=$hs_conns; wrk_args=(-H "Connection: close") ;;
        hs12) listener=hs-$key tls=TLSv1.2 conns=$hs_conns; wrk_args=(-H "Connection: close") ;;
        fixed) listener=fixed tls=TLSv1.3 conns=$ka_conns ;;
        forward) listener=forward tls=TLSv1.3 conns=$ka_conns ;;
    esac
    secs=$duration
    [[ $round == warmup ]] && secs=${warm_secs:-$warmup}
    local url="https://127.0.0.1:${port[${name}_${listener}]}/"

    signal_server CONT "$name"
    sleep 0.3
    local before after t0 t1 c0 c1 k0 k1 j0=0 j1=0 out
    before=$(counters "$name" "$listener" "$tls")
    [[ $name == terminus ]] && j0=$(jit_ticks)
    c0=$(cpu_ticks "$name")
    k0=$(core_ticks)
    t0=$EPOCHREALTIME
    out=$(OPENSSL_CONF=$tmp/client-$tls.cnf taskset -c "$LOAD_CPU" \
          timeout $((secs + 20)) wrk -t 1 -c "$conns" -d "${secs}s" --timeout 5s "${wrk_args[@]}" "$url" 2>&1) \
        || { signal_server STOP "$name"; die "wrk failed against $name $listener: $out"; }
    t1=$EPOCHREALTIME
    k1=$(core_ticks)
    c1=$(cpu_ticks "$name")
    [[ $name == terminus ]] && j1=$(jit_ticks)
    last_ticks=$((c1 - c0)) last_jit_ticks=$((j1 - j0))
    after=$(counters "$name" "$listener" "$tls")
    signal_server STOP "$name"
    printf '%s\n' "$out" >>"$tmp/wrk-$name.out"

    local requests errors
    requests=$(awk '/ requests in / { print $1 }' <<<"$out")
    errors=$(awk '/Socket errors:/ { gsub(",", ""); e = $4 + $6 + $8 + $10 } /Non-2xx/ { e += $NF }
                  END { print e + 0 }' <<<"$out")
    [[ -n $requests ]] || die "no request count in wrk output against $name $listener: $out"
    [[ $round == warmup ]] && return 0
    local -a b a d
    read -r -a b <<<"$before"
    read -r -a a <<<"$after"
    local j
    for j in 0 1 2 3; do
        if [[ ${a[j]} == - || ${b[j]} == - ]]; then d[j]=-; else d[j]=$((a[j] - b[j])); fi
    done
    local jit=-
    [[ $name == terminus ]] && jit=$((j1 - j0))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$scenario" "$tls" "$key" \
        "$requests" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" "$((c1 - c0))" \
        "${d[0]}" "${d[1]}" "${d[2]}" "${d[3]}" "$errors" "$((k1 - k0))" "$jit" >>"$results"
    log "round $round $name $scenario $key: $requests requests, $((c1 - c0)) ticks, handshakes ${d[0]} (full ${d[1]}), errors $errors"
}

# ---------------------------------------------------------------------------------------------
# Report: sums over the rounds, so every round weighs by its length.

report() {
    echo
    echo "Terminus vs nginx vs HAProxy: $rounds round(s) x ${duration}s, warm-up ${warmup}s (Terminus JIT settling up to ${jit_settle}s); servers on CPU $SERVER_CPU"
    echo "(one worker each), wrk -t1 and the backend on CPU $LOAD_CPU; wrk connections: handshake $hs_conns, keep-alive $ka_conns."
    echo "CPU = utime+stime of all server processes from /proc/PID/stat (one tick = $((1000000 / clk_tck)) us)."
    echo
    awk -F'\t' -v tck="$clk_tck" '
        NR == 1 { next }
        {
            k = $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
            if (!(k in req)) { order[++n] = k }
            req[k] += $6; sec[k] += $7; tic[k] += $8; err[k] += $13; core[k] += $14; cnt[k]++
            if ($15 != "-") jit[k] += $15; else nojit[k] = 1
            if ($9 != "-") hs[k] += $9; else nohs[k] = 1
            if ($10 != "-") full[k] += $10; else nofull[k] = 1
            if ($11 != "-") ok[k] += $11; else nook[k] = 1
            r = $6 / $7
            if (!(k in lo) || r < lo[k]) lo[k] = r
            if (!(k in hi) || r > hi[k]) hi[k] = r
        }
        END {
            printf "%-9s %-8s %-7s %-5s %8s %6s %10s %8s %5s %6s %5s %7s %7s %6s %6s %6s\n", "server", "scenario", "tls", "key",
                "req/s", "spread", "cpu-us/req", "hs/cpu-s", "util%", "other%", "jit%", "rps/ngx", "cpu/ngx", "hs/req", "full%", "errors"
            for (i = 1; i <= n; i++) {
                k = order[i]
                rps[k] = req[k] / sec[k]
                cpu[k] = req[k] ? tic[k] * 1e6 / tck / req[k] : 0
            }
            for (i = 1; i <= n; i++) {
                k = order[i]; split(k, f, SUBSEP)
                ng = "nginx" SUBSEP f[2] SUBSEP f[3] SUBSEP f[4]
                hsk = f[2] ~ /^hs/
                hps = (hsk && !nohs[k] && tic[k]) ? sprintf("%.0f", hs[k] / (tic[k] / tck)) : "-"
                spread = (rps[k] && cnt[k] > 1) ? sprintf("%.0f%%", (hi[k] - lo[k]) * 100 / rps[k]) : "-"
                rr = (ng in rps && rps[ng]) ? sprintf("%.2f", rps[k] / rps[ng]) : "-"
                cr = (ng in cpu && cpu[ng]) ? sprintf("%.2f", cpu[k] / cpu[ng]) : "-"
                hr = (hsk && !nohs[k] && req[k]) ? sprintf("%.3f", hs[k] / req[k]) : "-"
                fp = (hsk && !nofull[k] && hs[k]) ? sprintf("%.1f", full[k] * 100 / hs[k]) : "-"
                jp = (!nojit[k] && tic[k]) ? sprintf("%.1f", jit[k] * 100 / tic[k]) : "-"
                printf "%-9s %-8s %-7s %-5s %8.0f %6s %10.1f %8s %5.0f %6.0f %5s %7s %7s %6s %6s %6d\n", f[1], f[2], f[3], f[4],
                    rps[k], spread, cpu[k], hps, tic[k] * 100 / tck / sec[k], (core[k] - tic[k]) * 100 / tck / sec[k],
                    jp, rr, cr, hr, fp, err[k]
                if (req[k] == 0) warn = warn sprintf("WARNING: %s %s %s %s: no successful request\n", f[1], f[2], f[3], f[4])
                if (err[k] > 0) warn = warn sprintf("WARNING: %s %s %s %s: %d wrk errors\n", f[1], f[2], f[3], f[4], err[k])
                if (hsk && !nohs[k] && req[k] && hs[k] < 0.99 * req[k])
                    warn = warn sprintf("WARNING: %s %s %s %s: fewer handshakes than requests\n", f[1], f[2], f[3], f[4])
                if (hsk && !nofull[k] && full[k] < hs[k])
                    warn = warn sprintf("WARNING: %s %s %s %s: %d resumed handshakes\n", f[1], f[2], f[3], f[4], hs[k] - full[k])
                if (hsk && !nook[k] && ok[k] < hs[k])
                    warn = warn sprintf("WARNING: %s %s %s %s: %d handshakes of another TLS version\n", f[1], f[2], f[3], f[4], hs[k] - ok[k])
            }
            printf "%s", warn
        }' "$results"
    cat <<'EOF'

req/s: wrk's count / wall time of the run; spread: (max - min) / mean of the per-round rates.
cpu-us/req: server CPU per request; hs/cpu-s: server-counted handshakes per server CPU-second.
util%: server CPU / wall time (100 = its core saturated); other%: the rest of that core's busy
time (other programs, interrupts): high values mean the machine was not quiet.
jit%: share of Terminus's CPU in these runs used by its JIT compiler threads (counted in its
CPU; near 0 once settled, see --jit-settle).
rps/ngx, cpu/ngx: this row's req/s and cpu-us/req divided by nginx's in the same scenario.
hs/req: server-counted handshakes per wrk request (1.000 = one new connection per request);
full%: handshakes the server shows were not resumed (nginx: $ssl_session_reused; HAProxy: TLS
connections minus session-cache lookups; Terminus: resumption is off, so all of them).
EOF
}

# ---------------------------------------------------------------------------------------------
# Main

log "temp dir $tmp; CPUs: $(nproc), $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
log "$(nginx -v 2>&1); $(haproxy -v | head -1); $(openssl version); wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
generate_certificates
for tls in TLSv1.3 TLSv1.2; do
    render "$TEMPLATES/client-tls.cnf.in" "$tmp/client-$tls.cnf" -e "s|@TLS_VERSION@|$tls|g"
done
start_backend
for srv in "${servers[@]}"; do
    start_server "$srv"
    signal_server STOP "$srv"
done
log "started ${servers[*]} (paused) and the backend; estimate ${estimate}s"

if ((warmup > 0)); then
    for run in "${runs[@]}"; do
        read -r scenario key <<<"$run"
        for srv in "${servers[@]}"; do run_one warmup "$srv" "$scenario" "$key"; done
    done
    log "warm-up done"
fi

# A JVM keeps compiling hot paths for minutes under load; measure it at steady state, as the
# AOT-compiled peers are, and report the JIT's share of every measured run.
if ((jit_settle > 0)) && [[ -n ${pid[terminus]-} ]]; then
    settle_end=$((EPOCHSECONDS + jit_settle)) settled=""
    while [[ -z $settled ]] && ((EPOCHSECONDS < settle_end)); do
        pass_ticks=0 pass_jit=0
        for run in "${runs[@]}"; do
            read -r scenario key <<<"$run"
            warm_secs=2 run_one warmup terminus "$scenario" "$key"
            pass_ticks=$((pass_ticks + last_ticks)) pass_jit=$((pass_jit + last_jit_ticks))
        done
        log "JIT settling: compilers used $pass_jit of $pass_ticks ticks in the last pass"
        ((pass_ticks > 0 && pass_jit * 100 < 3 * pass_ticks)) && settled=yes
    done
    if [[ -n $settled ]]; then log "JIT settled"; else log "JIT still compiling after ${jit_settle}s (see jit%)"; fi
fi

stopped_early=""
for ((r = 1; r <= rounds; r++)); do
    for run in "${runs[@]}"; do
        read -r scenario key <<<"$run"
        # Rotate the order each round so no server always follows the same peer.
        for ((s = 0; s < ${#servers[@]}; s++)); do
            srv=${servers[$(((s + r - 1) % ${#servers[@]}))]}
            if (($(elapsed) + duration + per_run_overhead > MAX_TOTAL_SECONDS)); then
                stopped_early="time limit reached in round $r; the table covers the runs before it"
                break 3
            fi
            run_one "$r" "$srv" "$scenario" "$key"
        done
    done
done

report
if [[ -n ${pid[terminus]-} ]]; then
    # Where the JVM's CPU went (event loop, GC, JIT compilers, ...): whole run, warm-up included.
    echo
    echo "Terminus CPU by thread over the whole run (warm-up included), seconds:"
    for t in /proc/"${pid[terminus]}"/task/*; do
        stat=$(<"$t/stat") || continue
        read -r -a f <<<"${stat##*) }"
        printf '%s\t%s\n' "$((f[11] + f[12]))" "$(<"$t/comm")"
    done | sort -rn | head -8 | awk -F'\t' -v tck="$clk_tck" '{ printf "  %7.2f  %s\n", $1 / tck, $2 }'
fi
[[ -z $stopped_early ]] || echo "NOTE: $stopped_early"
echo "Total time: $(elapsed)s"
