#!/usr/bin/env bash
# HTTP requests/s and p99 latency of hyper's HTTP/1.1 server on loopy, on
# tokio current_thread and on tokio current_thread + LocalSet, driven by
# wrk over loopback: examples/http_server.rs, one "Hello, World!" handler.
#
#   bench/http.sh                       # 3 rounds of 5 s per runtime and load
#   ROUNDS=5 SECS=10 bench/http.sh
#
# Needs wrk (Debian: `apt-get install -y wrk`); installs nothing itself.
# For each load (wrk -t1 -c50, then -t1 -c256) it runs the three runtimes
# interleaved, loopy tokio tokio-local, ROUNDS times, each against a fresh
# server process on a free port, and prints a markdown table of the
# medians and loopy's ratios. Progress goes to stderr, the table to stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rounds=${ROUNDS:-3}
secs=${SECS:-5}
runtimes=(loopy tokio tokio-local)
loads=(50 256)

command -v wrk >/dev/null || { echo "http.sh: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
# Build, and take the example's path from cargo's report.
server=$(cargo build --quiet --release -p loopy-bench --features hyper --example http_server \
    --manifest-path "$here/Cargo.toml" --message-format=json |
    grep -o '"executable":"[^"]*/http_server"' | cut -d'"' -f4)
out=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$out"' EXIT

# One wrk run against a fresh server: appends "REQUESTS_PER_S P99_US" to
# $out/RUNTIME-CONNECTIONS.
measure() {
    local runtime=$1 connections=$2 addr=
    "$server" --runtime "$runtime" --port 0 >"$out/addr" &
    pid=$!
    for _ in $(seq 100); do
        addr=$(sed -n 's/^listening on //p' "$out/addr")
        [ -n "$addr" ] && break
        sleep 0.1
    done
    [ -n "$addr" ] || { echo "http.sh: $runtime server did not start" >&2; exit 1; }
    wrk -t1 -c"$connections" -d"${secs}s" --latency "http://$addr/" >"$out/wrk"
    kill -TERM "$pid"
    wait "$pid"
    pid=
    # "Requests/sec: 12345.67"; the latency distribution's "99%  1.23ms".
    awk '
        /^Requests\/sec:/ { rps = $2 }
        $1 == "99%" {
            v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
            p99 = v * (unit == "us" ? 1 : unit == "ms" ? 1000 : unit == "s" ? 1000000 : -1)
        }
        /Socket errors|Non-2xx/ { print "http.sh: wrk reported: " $0 > "/dev/stderr"; bad = 1 }
        END { if (rps == "" || p99 == "" || p99 < 0 || bad) exit 1; print rps, p99 }
    ' "$out/wrk" >>"$out/$runtime-$connections" ||
        { echo "http.sh: unusable wrk output for $runtime:" >&2; cat "$out/wrk" >&2; exit 1; }
    echo "  $runtime -c$connections: $(tail -1 "$out/$runtime-$connections")" >&2
}

# The median of column $2 of file $1.
median() {
    cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for connections in "${loads[@]}"; do
    for round in $(seq "$rounds"); do
        echo "wrk -t1 -c$connections, round $round of $rounds" >&2
        for runtime in "${runtimes[@]}"; do
            measure "$runtime" "$connections"
        done
    done
done

echo "| load | metric | loopy | tokio | tokio-local | loopy/tokio | loopy/tokio-local |"
echo "|---|---|---:|---:|---:|---:|---:|"
for connections in "${loads[@]}"; do
    for metric in "k requests/s ↑:1:1000" "p99 ms ↓:2:1000"; do
        IFS=: read -r name column scale <<<"$metric"
        loopy=$(median "$out/loopy-$connections" "$column")
        tokio=$(median "$out/tokio-$connections" "$column")
        local_set=$(median "$out/tokio-local-$connections" "$column")
        awk -v load="-t1 -c$connections" -v name="$name" -v s="$scale" \
            -v a="$loopy" -v b="$tokio" -v c="$local_set" 'BEGIN {
            printf "| %s | %s | %.1f | %.1f | %.1f | %.2fx | %.2fx |\n", load, name, a / s, b / s, c / s, a / b, a / c
        }'
    done
done
