#!/usr/bin/env bash
# The "Scaling out" table: TCP echo with external clients for one loopy
# loop, two loopy loops on a shared port, tokio multi_thread(2) with one
# listener, and two tokio current_thread runtimes on a shared port.
#
# Builds the two examples in release mode, then for each design starts
# echo_server, runs echo_load against it (REPS repetitions, medians), stops
# the server with SIGINT and reads how many connections each loop accepted.
# Prints one markdown table on stdout. PORT, REPS, ROUNDS, CLIENTS override
# the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-9000}
REPS=${REPS:-5}
ROUNDS=${ROUNDS:-2000}
CLIENTS=${CLIENTS:-1}

cargo build --release -p loopy-bench --example echo_server --example echo_load >&2
dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
server_bin="$dir/release/examples/echo_server"
load_bin="$dir/release/examples/echo_load"

echo "| design | k round trips/s | p99 µs | server CPU-s per 100k | k round trips per server CPU-s | server context switches per 100k | connections per loop |"
echo "|---|---:|---:|---:|---:|---:|---|"
for design in "loopy 1" "loopy 2" "tokio-multi 2" "tokio-current 2"; do
    set -- $design
    log=$(mktemp)
    "$server_bin" --runtime "$1" --threads "$2" --port "$PORT" >"$log" &
    server=$!
    # Listening once every loop has said so.
    for _ in $(seq 100); do
        [ "$(grep -c listening "$log")" -ge "$([ "$1" = tokio-multi ] && echo 1 || echo "$2")" ] && break
        sleep 0.05
    done
    row=$("$load_bin" --port "$PORT" --pid "$server" --rounds "$ROUNDS" --reps "$REPS" --clients "$CLIENTS")
    kill -INT "$server"
    wait "$server"
    per_loop=$(sed -n 's/^loop [0-9]*: accepted //p' "$log" | paste -sd/ -)
    rm -f "$log"
    echo "| $1 ($2) ${row% |} | $per_loop |"
done
