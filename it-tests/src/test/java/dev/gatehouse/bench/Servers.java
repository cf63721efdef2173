package dev.gatehouse.bench;

import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.servlets.CGIServlet;

/**
 * The servers under test, all on 127.0.0.1, all serving the same script directory:
 *
 * <ul>
 *   <li>Jetty 12 with our servlet at {@code /cgi-bin/*};
 *   <li>one Tomcat 11, one privileged context, with our servlet at {@code /cgi-bin/*} and
 *       Tomcat's CGIServlet at {@code /tomcat-sh/*} and {@code /tomcat-pl/*}: the same container
 *       and connector, so that only the servlet differs;
 *   <li>nginx + fcgiwrap at {@code /cgi-bin/*}, when both are installed.
 * </ul>
 *
 * <p>Both servlets run the script through its interpreter ({@code sh hello.sh},
 * {@code perl hello.pl}) with their default settings otherwise. Closing stops everything started.
 */
final class Servers implements AutoCloseable {

    private final List<AutoCloseable> started = new ArrayList<>();
    private ServletContainer jetty;
    private ServletContainer tomcat;
    private NginxFcgiwrap nginx;

    /**
     * @param docBase the web application's directory; the scripts are in its {@code WEB-INF/cgi}
     */
    static Servers start(BenchSettings settings, Path docBase, Path scriptDir, Path work)
            throws IOException, InterruptedException {
        Servers s = new Servers();
        try {
            if (settings.targets().contains("jetty")) {
                s.jetty = s.own(
                        ServletContainer.servlets(ServletContainer.Kind.JETTY, "", docBase, List.of(ours(scriptDir))));
            }
            if (settings.targets().contains("tomcat") || settings.targets().contains("tomcat-cgi")) {
                s.tomcat = s.own(ServletContainer.privilegedTomcat(
                        "",
                        docBase,
                        List.of(ours(scriptDir), tomcatCgiSpec(BenchScript.SH), tomcatCgiSpec(BenchScript.PERL))));
            }
            if (settings.targets().contains("nginx")) {
                var programs = NginxFcgiwrap.locate();
                if (programs.isPresent()) {
                    s.nginx = s.own(NginxFcgiwrap.start(
                            programs.get()[0],
                            programs.get()[1],
                            scriptDir,
                            work.resolve("nginx"),
                            settings.nginxWorkers(),
                            settings.fcgiwrapChildren()));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private <T extends AutoCloseable> T own(T server) {
        started.add(server);
        return server;
    }

    private static ServletSpec ours(Path scriptDir) {
        return ServletSpec.of("gatehouse", CgiServlet.class, "/cgi-bin/*").param("scriptRoot", scriptDir.toString());
    }

    /** Tomcat's CGIServlet runs one executable for every script, so one instance per interpreter. */
    private static ServletSpec tomcatCgiSpec(BenchScript script) {
        return ServletSpec.of("tomcat-cgi-" + script.id(), CGIServlet.class, "/tomcat-" + script.id() + "/*")
                .param("cgiPathPrefix", "WEB-INF/cgi")
                .param("executable", script.interpreter())
                .param("passShellEnvironment", "false");
    }

    /** Our servlet on Jetty, or null when not started. */
    URI oursOnJetty(BenchScript script) {
        return jetty == null ? null : jetty.uri("cgi-bin/" + script.fileName());
    }

    /** Our servlet on Tomcat, or null when not started. */
    URI oursOnTomcat(BenchScript script) {
        return tomcat == null ? null : tomcat.uri("cgi-bin/" + script.fileName());
    }

    /** Tomcat's CGIServlet, or null when not started. */
    URI tomcatCgi(BenchScript script) {
        return tomcat == null ? null : tomcat.uri("tomcat-" + script.id() + "/" + script.fileName());
    }

    /** nginx + fcgiwrap, or null when not started (not wanted, or not installed). */
    URI nginx(BenchScript script) {
        return nginx == null ? null : nginx.base().resolve("cgi-bin/" + script.fileName());
    }

    /** CPU time used so far by nginx + fcgiwrap (not the scripts), 0 when not started. */
    long nginxCpuNanos() {
        return nginx == null ? 0 : nginx.cpuNanos();
    }

    /**
     * CPU time used so far by this JVM, which hosts both containers: the threads' time, not the
     * scripts' (child processes are accounted to the JVM only when reaped, and apart).
     */
    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Stops what was started, last first. Idempotent. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping " + started.get(i) + ": " + e);
            }
        }
        started.clear();
    }
}
