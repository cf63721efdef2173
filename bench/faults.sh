#!/usr/bin/env bash
# Fault runs: a php-fpm killed with SIGKILL or frozen with SIGSTOP under load, a CGI script that
# double-forks, hundreds of CGI scripts that hang at once, slow clients, and a soak of mixed load,
# each on Jetty 12 and Tomcat 11; prints what happened and what leaked, and exits 1 if any check
# failed. See bench/README.md.
#
#   bench/faults.sh [name=value ...]     e.g. bench/faults.sh scenarios=kill9,sigstop containers=jetty
#   bench/faults.sh help                 lists the settings
#
# Environment: MVN_OFFLINE=1 adds -o to Maven; JAVA (default: $JAVA_HOME/bin/java or java);
# JAVA_OPTS adds JVM options.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for program in php-fpm php-cgi; do
    if ! compgen -G "/usr/sbin/$program*" >/dev/null && ! compgen -G "/usr/bin/$program*" >/dev/null; then
        echo "bench/faults.sh: $program is not installed; install it with: apt-get install php-fpm php-cgi" >&2
        exit 2
    fi
done

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_build # sets classpath and java

# A java.io.tmpdir of the run's own: the leak check counts gatehouse-* directories there, which
# other programs on the machine cannot add to; removed at the end.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/faultruns.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# -Xms = -Xmx with AlwaysPreTouch: the heap is resident from the start, so the soak's RSS
# figure shows native growth (threads, buffers, metaspace), not the heap being touched.
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"$java" -Xms512m -Xmx512m -XX:+AlwaysPreTouch -Djava.io.tmpdir="$tmp" \
    -Djdk.lang.Process.launchMechanism=VFORK ${JAVA_OPTS:-} \
    -cp "$classpath" dev.gatehouse.bench.FaultRuns "$@"
