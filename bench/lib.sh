# Shared by the bench/*.sh commands; sourced from the repository root, not run.
#
# bench_build compiles the reactor up to it-tests (test-compile: no tests run, nothing is
# installed into ~/.m2), writes the test classpath with dependency:build-classpath, and sets
#   classpath  it-tests' test classes, their dependencies and the reactor's own modules' classes
#   java       $JAVA, else $JAVA_HOME/bin/java, else java
# MVN_OFFLINE=1 adds -o to Maven. A fixture from fastcgi-proxy-servlet's test-jar resolves to
# its test-classes through the reactor.

bench_build() {
    local mvn_flags=(-B -q)
    if [[ "${MVN_OFFLINE:-0}" == "1" ]]; then
        mvn_flags+=(-o)
    fi
    mvn "${mvn_flags[@]}" -pl it-tests -am test-compile dependency:build-classpath \
        -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test

    classpath="it-tests/target/test-classes:$(cat it-tests/target/bench.classpath)"
    # the reactor's own modules, compiled but not installed
    local module
    for module in servlet-support cgi-servlet fastcgi-proxy-servlet async-adapter; do
        classpath="$classpath:$module/target/classes"
    done

    if [[ -n "${JAVA:-}" ]]; then
        java="$JAVA"
    elif [[ -n "${JAVA_HOME:-}" ]]; then
        java="$JAVA_HOME/bin/java"
    else
        java=java
    fi
}
