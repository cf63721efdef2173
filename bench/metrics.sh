#!/usr/bin/env bash
# What the metrics cost a request, in ns of one thread's time, on one thread and on every core at
# once (the contended case). Compare with the CPU per request that asgi.sh, fastcgi.sh and cgi.sh
# print. See bench/README.md, "Cost of the metrics".
#
#   bench/metrics.sh [rounds=5] [duration=2s]
#
# Environment: MVN_OFFLINE=1 adds -o to Maven; JAVA (default: $JAVA_HOME/bin/java or java).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_build # sets classpath and java

exec "$java" -Xmx256m -cp "$classpath" dev.gatehouse.bench.MetricsCostBenchmark "$@"
