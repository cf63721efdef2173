package dev.gatehouse.it.typed;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.servlet.AsgiServlet;
import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.fastcgi.FastCgiAuthorizerFilter;
import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The README's "Configuring in code (typed API)" examples, compiled here and built by {@link
 * TypedApiExamplesTest}, which also checks that the README quotes them as they stand.
 */
public final class TypedApiExamples {
    private TypedApiExamples() {}

    static CgiServlet cgi() {
        return CgiServlet.builder()
                .scriptRoot(Path.of("/srv/cgi"))
                .timeout(Duration.ofSeconds(30))
                .allowedMethods(List.of("GET", "HEAD", "POST"))
                .environment(Map.of("APP_ENV", "prod"))
                .build(); // an invalid value throws IllegalArgumentException here, naming the init-param
    }

    static FastCgiProxyServlet php() {
        return FastCgiProxyServlet.builder()
                .documentRoot(Path.of("/srv/www"))
                .frontController("/index.php")
                .deny(List.of("/bin/", "/conf/", "*.ini"))
                .managedBackend(ManagedBackendConfig.Kind.PHP_FPM)
                .backendChildren(8)
                .readTimeout(Duration.ofSeconds(30))
                .build();
    }

    static AsgiServlet asgi(AsgiApplication application) {
        return AsgiServlet.builder(application)
                .asyncTimeout(Duration.ofSeconds(30))
                .webSocketMaxMessageSize(64 * 1024)
                .build();
    }

    static FastCgiAuthorizerFilter authorizer() {
        return FastCgiAuthorizerFilter.builder()
                .backend("unix:/run/auth/authorizer.sock")
                .readTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** What a {@code ServletContextListener} or {@code ServletContainerInitializer} does with them. */
    static void register(ServletContext context, AsgiApplication application) {
        ServletRegistration.Dynamic cgi = context.addServlet("cgi", cgi());
        cgi.addMapping("/cgi-bin/*");
        cgi.setAsyncSupported(true); // every Gatehouse servlet needs the container's async I/O
        cgi.setInitParameter("timeout", "10s"); // a registration's init-param wins over the builder's value

        ServletRegistration.Dynamic php = context.addServlet("php", php());
        php.addMapping("/");
        php.setAsyncSupported(true);
        php.setLoadOnStartup(1); // php-fpm starts at deployment, not on the first request

        ServletRegistration.Dynamic app = context.addServlet("app", asgi(application));
        app.addMapping("/app/*");
        app.setAsyncSupported(true);
        app.setLoadOnStartup(1);

        FilterRegistration.Dynamic auth = context.addFilter("auth", authorizer());
        auth.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/admin/*");
        auth.setAsyncSupported(true);
    }
}
