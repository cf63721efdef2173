package dev.gatehouse.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The main of the application's own JVM in {@link SpringBootContract}: {@link
 * GatehouseApplication} as its {@code main} runs it, plus two lines on standard output for the
 * test: {@code READY <port> <web server class>} once the server listens, and {@code CLOSED on
 * <thread>} when the context closes, naming the thread that closed it (on SIGTERM, Boot's shutdown
 * hook).
 */
public final class BootLauncher {

    static final String READY = "READY ";
    static final String CLOSED = "CLOSED on ";

    private BootLauncher() {}

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(GatehouseApplication.class);
        application.addListeners(new Ready(), new Closed());
        application.run(args);
    }

    private static final class Ready implements ApplicationListener<WebServerInitializedEvent> {
        @Override
        public void onApplicationEvent(WebServerInitializedEvent event) {
            WebServer server = event.getWebServer();
            System.out.println(
                    READY + server.getPort() + " " + server.getClass().getSimpleName());
            System.out.flush();
        }
    }

    private static final class Closed implements ApplicationListener<ContextClosedEvent> {
        @Override
        public void onApplicationEvent(ContextClosedEvent event) {
            System.out.println(CLOSED + Thread.currentThread().getName());
            System.out.flush();
        }
    }
}
