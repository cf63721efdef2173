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

mvn_flags=(-B -q)
if [[ "${MVN_OFFLINE:-0}" == "1" ]]; then
    mvn_flags+=(-o)
fi

# Compiles the reactor up to it-tests and writes the test classpath; no tests run, nothing is
# installed into ~/.m2.
mvn "${mvn_flags[@]}" -pl it-tests -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test

classpath="it-tests/target/test-classes:$(cat it-tests/target/bench.classpath)"
# the reactor's own modules, compiled but not installed
classpath="$classpath:async-adapter/target/classes"

if [[ -n "${JAVA:-}" ]]; then
    java="$JAVA"
elif [[ -n "${JAVA_HOME:-}" ]]; then
    java="$JAVA_HOME/bin/java"
else
    java=java
fi

# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$java" -Xmx512m ${JAVA_OPTS:-} -cp "$classpath" dev.gatehouse.bench.AsgiBenchmark "$@"
