package dev.gatehouse.it.support;

import jakarta.servlet.Servlet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A servlet to register programmatically in a container: what a web.xml {@code <servlet>} and
 * {@code <servlet-mapping>} pair would say, or, with an {@code instance}, what
 * {@code ServletContext.addServlet(name, servlet)} does.
 *
 * @param instance the servlet object to register, or null to let the container instantiate
 *     {@code servletClass}
 */
public record ServletSpec(
        String name,
        Class<? extends Servlet> servletClass,
        Map<String, String> initParams,
        List<String> mappings,
        Servlet instance) {

    public ServletSpec {
        initParams = Map.copyOf(initParams);
        mappings = List.copyOf(mappings);
        if (instance != null && !servletClass.isInstance(instance)) {
            throw new IllegalArgumentException(instance + " is not a " + servletClass.getName());
        }
    }

    public ServletSpec(
            String name, Class<? extends Servlet> servletClass, Map<String, String> initParams, List<String> mappings) {
        this(name, servletClass, initParams, mappings, null);
    }

    /** A spec registering {@code servlet} itself, as {@code ServletContext.addServlet(name, servlet)} does. */
    public static ServletSpec instance(String name, Servlet servlet, String... mappings) {
        return new ServletSpec(name, servlet.getClass(), Map.of(), List.of(mappings), servlet);
    }

    /** A spec with no init-params; add them with {@link #param}. */
    public static ServletSpec of(String name, Class<? extends Servlet> servletClass, String... mappings) {
        return new ServletSpec(name, servletClass, Map.of(), List.of(mappings));
    }

    /** This spec with one more init-param. */
    public ServletSpec param(String key, String value) {
        Map<String, String> params = new LinkedHashMap<>(initParams);
        params.put(key, value);
        return new ServletSpec(name, servletClass, params, mappings, instance);
    }
}
