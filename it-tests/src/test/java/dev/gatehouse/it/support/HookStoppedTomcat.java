package dev.gatehouse.it.support;

import java.io.File;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.stream.Collectors;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

/**
 * The main of a separate JVM, as an application embedding Tomcat 11 runs: deploys the sample WAR
 * (its servlets loaded by the web application's class loader from WEB-INF/lib), makes one PHP
 * request through the managed php-fpm, prints {@code STATUS}, the JVM's child processes ({@code
 * CHILDREN}), then stops Tomcat from a shutdown hook of its own and exits with {@code
 * System.exit(0)}: the way a Spring Boot application ends on SIGTERM.
 *
 * <p>Arguments: the WAR, Tomcat's base directory.
 */
public final class HookStoppedTomcat {

    private HookStoppedTomcat() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(2);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(args[1]);
        new File(args[1], "webapps").mkdirs();
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        Context context = tomcat.addWebapp("/sample", new File(args[0]).getAbsolutePath());
        // the test class path also holds Jetty's WebSocket initializer, which only Jetty can run
        ((StandardContext) context).setContainerSciFilter("org\\.eclipse\\.jetty\\..*");
        tomcat.start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                tomcat.stop();
                                tomcat.destroy();
                            } catch (Exception e) {
                                e.printStackTrace();
                            }
                        },
                        "app-stop"));
        URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/sample/php/hello.php");
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(20_000);
        int status = connection.getResponseCode();
        connection.getInputStream().readAllBytes();
        System.out.println("STATUS " + status);
        System.out.println("CHILDREN "
                + ProcessHandle.current()
                        .descendants()
                        .map(p -> Long.toString(p.pid()))
                        .collect(Collectors.joining(",")));
        System.out.flush();
    }
}
