#!/usr/bin/env bash
# ASGI benchmark: a hello-world application through AsgiServlet vs a hand-written async servlet
# (startAsync + WriteListener, the same response bytes) in the same container, on Jetty 12 and
# Tomcat 11, with wrk -t2 -c64 (keep-alive). See bench/README.md.
#
#   bench/asgi.sh [rounds=5] [duration=10s] [warmup=15s]     bench/asgi.sh help   lists them
#
# Environment: MVN_OFFLINE=1 adds -o to Maven; JAVA (default: $JAVA_HOME/bin/java or java);
# JAVA_OPTS adds JVM options.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v wrk >/dev/null 2>&1; then
    echo "bench/asgi.sh: wrk is not installed; install it with: apt-get install wrk" >&2
    exit 2
fi

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_build # sets classpath and java

# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$java" -Xmx512m ${JAVA_OPTS:-} -cp "$classpath" dev.gatehouse.bench.AsgiBenchmark "$@"
