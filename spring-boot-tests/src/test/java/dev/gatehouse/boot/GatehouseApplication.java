package dev.gatehouse.boot;

import dev.gatehouse.asgi.servlet.AsgiServlet;
import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The README's Spring Boot example: a Boot application registering the three servlets, built
 * with their typed API, as {@link ServletRegistrationBean}s. {@link SpringBootContract} runs it on
 * the embedded Tomcat and on Jetty, with {@code gatehouse.cgi-root} and {@code gatehouse.www-root}
 * given on the command line.
 */
@SpringBootApplication
public class GatehouseApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatehouseApplication.class, args);
    }

    @Bean
    ServletRegistrationBean<CgiServlet> cgi(@Value("${gatehouse.cgi-root}") Path scriptRoot) {
        CgiServlet servlet = CgiServlet.builder()
                .scriptRoot(scriptRoot)
                .timeout(Duration.ofSeconds(30))
                .build();
        ServletRegistrationBean<CgiServlet> cgi = new ServletRegistrationBean<>(servlet, "/cgi-bin/*");
        cgi.setAsyncSupported(true); // every Gatehouse servlet needs the container's async I/O
        return cgi;
    }

    @Bean
    ServletRegistrationBean<FastCgiProxyServlet> php(@Value("${gatehouse.www-root}") Path documentRoot) {
        FastCgiProxyServlet servlet = FastCgiProxyServlet.builder()
                .documentRoot(documentRoot)
                .managedBackend(ManagedBackendConfig.Kind.PHP_FPM) // started and stopped with the application
                .backendChildren(2)
                .build();
        ServletRegistrationBean<FastCgiProxyServlet> php = new ServletRegistrationBean<>(servlet, "/php/*");
        php.setAsyncSupported(true);
        php.setLoadOnStartup(1); // php-fpm starts with the application, not on the first request
        return php;
    }

    @Bean
    ServletRegistrationBean<AsgiServlet> app() {
        AsgiServlet servlet = AsgiServlet.builder(new GreetingApp())
                .asyncTimeout(Duration.ofSeconds(30))
                .build();
        ServletRegistrationBean<AsgiServlet> app = new ServletRegistrationBean<>(servlet, "/app/*");
        app.setAsyncSupported(true);
        app.setLoadOnStartup(1);
        return app;
    }
}
