#!/usr/bin/env bash
# CGI benchmark: Gatehouse CgiServlet vs Tomcat's CGIServlet (same embedded Tomcat 11), on
# Jetty 12, vs nginx + fcgiwrap (when installed), vs the raw fork/exec rate. See bench/README.md.
#
#   bench/cgi.sh [name=value ...]      e.g. bench/cgi.sh rounds=5 duration=10s targets=jetty,nginx
#   bench/cgi.sh help                  lists the settings
#
# Environment: MVN_OFFLINE=1 adds -o to Maven; JAVA (default: $JAVA_HOME/bin/java or java);
# JAVA_OPTS adds JVM options (e.g. -XX:StartFlightRecording=filename=bench.jfr).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v wrk >/dev/null 2>&1; then
    echo "bench/cgi.sh: wrk is not installed; install it with: apt-get install wrk" >&2
    exit 2
fi

mvn_flags=(-B -q)
if [[ "${MVN_OFFLINE:-0}" == "1" ]]; then
    mvn_flags+=(-o)
fi

# Compiles the servlet and the test classes (the benchmark lives there, beside the container
# harness) and writes the test classpath; no tests run, nothing is installed into ~/.m2.
# The classpath file path is relative, so each module of the reactor writes its own.
mvn "${mvn_flags[@]}" -pl it-tests -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test

classpath="it-tests/target/test-classes:$(cat it-tests/target/bench.classpath)"

if [[ -n "${JAVA:-}" ]]; then
    java="$JAVA"
elif [[ -n "${JAVA_HOME:-}" ]]; then
    java="$JAVA_HOME/bin/java"
else
    java=java
fi

# VFORK: Java 17 starts processes about twice as fast with it than with its default
# (posix_spawn through jspawnhelper); Tomcat's CGIServlet in the same JVM gains as well.
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$java" -Xmx512m -Djdk.lang.Process.launchMechanism=VFORK ${JAVA_OPTS:-} \
    -cp "$classpath" dev.gatehouse.bench.CgiBenchmark "$@"
