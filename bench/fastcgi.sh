#!/usr/bin/env bash
# FastCGI benchmark: Gatehouse FastCgiProxyServlet on Jetty 12 and Tomcat 11 vs nginx's
# fastcgi_pass (when installed), each in front of its own php-fpm pool of the same size, on
# hello.php at 16 and 64 connections and a 10 MiB response. See bench/README.md.
#
#   bench/fastcgi.sh [name=value ...]     e.g. bench/fastcgi.sh rounds=5 duration=10s
#   bench/fastcgi.sh help                 lists the settings
#
# Environment: MVN_OFFLINE=1 adds -o to Maven; JAVA (default: $JAVA_HOME/bin/java or java);
# JAVA_OPTS adds JVM options (e.g. -XX:StartFlightRecording=filename=bench.jfr).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v wrk >/dev/null 2>&1; then
    echo "bench/fastcgi.sh: wrk is not installed; install it with: apt-get install wrk" >&2
    exit 2
fi
if ! compgen -G "/usr/sbin/php-fpm*" >/dev/null; then
    echo "bench/fastcgi.sh: php-fpm is not installed; install it with: apt-get install php-fpm" >&2
    exit 2
fi

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_build # sets classpath and java

# -Xms = -Xmx as for a server: G1 otherwise starts with a young generation of ~15 MB and
# collects every ~0.2 s under load (226 young pauses in a run instead of 53; see bench/README.md).
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$java" -Xms512m -Xmx512m ${JAVA_OPTS:-} -cp "$classpath" dev.gatehouse.bench.FastCgiBenchmark "$@"
