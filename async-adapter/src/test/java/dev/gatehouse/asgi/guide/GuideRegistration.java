package dev.gatehouse.asgi.guide;

import dev.gatehouse.asgi.servlet.AsgiServlet;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;

/** The README's registration in code, as a listener (or a Spring bean, or embedded setup) does it. */
public final class GuideRegistration implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletRegistration.Dynamic hello =
                event.getServletContext().addServlet("hello", new AsgiServlet(new HelloApp()));
        hello.addMapping("/hello/*");
        hello.setAsyncSupported(true); // the bridge needs the container's async I/O
        hello.setInitParameter("asyncTimeout", "30s");
        hello.setLoadOnStartup(1); // lifespan.startup runs at deployment, not on the first request
    }
}
