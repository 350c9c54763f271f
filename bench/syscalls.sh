#!/usr/bin/env bash
# Syscalls per round trip of the TCP echo scenarios, for each contender,
# counted by `strace -f -c` around one run of the bench executable (the one
# `cargo bench -p loopy-bench` runs, built in the bench profile).
#
#   bench/syscalls.sh                       # both echo scenarios, all contenders
#   SCENARIOS=tcp_echo_inproc CONTENDERS="loopy raw" bench/syscalls.sh
#
# The counts cover the whole process (runtime start, connects, accepts), which
# adds well under 1% over 64,000 round trips. tcp_echo_external also counts
# its blocking client thread: one write and one read per round trip, the same
# for every contender.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
scenarios=${SCENARIOS:-tcp_echo_inproc tcp_echo_external}
contenders=${CONTENDERS:-loopy tokio tokio-local smol raw raw-epoll}
# Sizes::FULL.echo in src/sizes.rs: 64 connections x 1,000 round trips; the
# external clients add one untimed handshake round of 64.
declare -A round_trips=([tcp_echo_inproc]=64000 [tcp_echo_external]=64064)

for tool in strace jq; do
    command -v "$tool" >/dev/null || { echo "syscalls.sh: $tool is not installed" >&2; exit 1; }
done
# Build without running, and take the executable's path from cargo's report.
bin=$(cargo bench --quiet --no-run -p loopy-bench --bench compare \
    --manifest-path "$here/Cargo.toml" --message-format=json |
    jq -r 'select(.reason == "compiler-artifact" and .target.name == "compare") | .executable')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "| scenario | contender | syscalls / round trip | of which (calls / round trip) |"
echo "|---|---|---:|---|"
for scenario in $scenarios; do
    for contender in $contenders; do
        log=$out/$scenario-$contender.txt
        strace -f -c -o "$log" "$bin" --only "$scenario" --contender "$contender" --reps 1 \
            >/dev/null 2>&1
        # strace -c columns: % time, seconds, usecs/call, calls, [errors], syscall.
        awk -v rt="${round_trips[$scenario]}" -v s="$scenario" -v c="$contender" '
            $1 ~ /^[0-9.]+$/ && NF >= 5 {
                if ($NF == "total") { total = $4; next }
                calls[$NF] = $4
            }
            END {
                n = 0
                for (name in calls) if (calls[name] / rt >= 0.01) top[++n] = name
                # Biggest first.
                for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                    if (calls[top[j]] > calls[top[i]]) { t = top[i]; top[i] = top[j]; top[j] = t }
                detail = ""
                for (i = 1; i <= n; i++) detail = detail sprintf("%s%s %.2f", i > 1 ? ", " : "", top[i], calls[top[i]] / rt)
                printf "| %s | %s | %.2f | %s |\n", s, c, total / rt, detail
            }' "$log"
    done
done
