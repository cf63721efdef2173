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

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_build # sets classpath and java

# VFORK: Java 17 starts processes about twice as fast with it than with its default
# (posix_spawn through jspawnhelper); Tomcat's CGIServlet in the same JVM gains as well.
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$java" -Xmx512m -Djdk.lang.Process.launchMechanism=VFORK ${JAVA_OPTS:-} \
    -cp "$classpath" dev.gatehouse.bench.CgiBenchmark "$@"
