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

mvn_flags=(-B -q)
if [[ "${MVN_OFFLINE:-0}" == "1" ]]; then
    mvn_flags+=(-o)
fi

# Compiles the reactor up to it-tests and writes the test classpath; no tests run.
mvn "${mvn_flags[@]}" -pl it-tests -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test

classpath="it-tests/target/test-classes:$(cat it-tests/target/bench.classpath)"
# the reactor's own module, compiled but not installed
classpath="$classpath:servlet-support/target/classes"

if [[ -n "${JAVA:-}" ]]; then
    java="$JAVA"
elif [[ -n "${JAVA_HOME:-}" ]]; then
    java="$JAVA_HOME/bin/java"
else
    java=java
fi

exec "$java" -Xmx256m -cp "$classpath" dev.gatehouse.bench.MetricsCostBenchmark "$@"
