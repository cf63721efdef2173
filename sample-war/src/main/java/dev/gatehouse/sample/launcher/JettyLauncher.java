package dev.gatehouse.sample.launcher;

import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Serves a WAR on embedded Jetty 12 (ee10), with Jakarta WebSocket enabled (as the {@code
 * websocket-jakarta} module does in a Jetty installation; Tomcat enables it by itself). Options: {@code --port N} (default 8080),
 * {@code --host H} (default 127.0.0.1), {@code --context /path} (default /).
 */
public final class JettyLauncher {

    private JettyLauncher() {}

    /** Starts Jetty with the WAR and blocks until the server stops. */
    public static void run(Path war, String[] args) throws Exception {
        int port = 8080;
        String host = "127.0.0.1";
        String contextPath = "/";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(require(args[i], value));
                case "--host" -> host = require(args[i], value);
                case "--context" -> contextPath = require(args[i], value);
                case "--help", "-h" -> {
                    System.out.println("usage: java -jar " + war.getFileName()
                            + " [--port 8080] [--host 127.0.0.1] [--context /]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
            i++;
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath(contextPath);
        webapp.setWar(war.toString());
        webapp.setThrowUnavailableOnStartupException(true);
        JakartaWebSocketServletContainerInitializer.configure(webapp, null);
        server.setHandler(webapp);
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("Gatehouse sample on http://" + host + ":" + connector.getLocalPort()
                + (contextPath.equals("/") ? "/" : contextPath + "/"));
        server.join();
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
