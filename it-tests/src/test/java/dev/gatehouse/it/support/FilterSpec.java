package dev.gatehouse.it.support;

import jakarta.servlet.Filter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A filter to register programmatically: what a web.xml {@code <filter>} and
 * {@code <filter-mapping>} pair with {@code <dispatcher>REQUEST</dispatcher>} and
 * {@code <dispatcher>ASYNC</dispatcher>} would say, or, with an {@code instance}, what
 * {@code ServletContext.addFilter(name, filter)} does; async-supported.
 *
 * @param instance the filter object to register, or null to let the container instantiate
 *     {@code filterClass}
 */
public record FilterSpec(
        String name,
        Class<? extends Filter> filterClass,
        Map<String, String> initParams,
        String urlPattern,
        Filter instance) {

    public FilterSpec {
        initParams = Map.copyOf(initParams);
        if (instance != null && !filterClass.isInstance(instance)) {
            throw new IllegalArgumentException(instance + " is not a " + filterClass.getName());
        }
    }

    public FilterSpec(
            String name, Class<? extends Filter> filterClass, Map<String, String> initParams, String urlPattern) {
        this(name, filterClass, initParams, urlPattern, null);
    }

    public static FilterSpec of(String name, Class<? extends Filter> filterClass, String urlPattern) {
        return new FilterSpec(name, filterClass, Map.of(), urlPattern);
    }

    /** A spec registering {@code filter} itself, as {@code ServletContext.addFilter(name, filter)} does. */
    public static FilterSpec instance(String name, Filter filter, String urlPattern) {
        return new FilterSpec(name, filter.getClass(), Map.of(), urlPattern, filter);
    }

    /** This spec with one more init-param. */
    public FilterSpec param(String key, String value) {
        Map<String, String> params = new LinkedHashMap<>(initParams);
        params.put(key, value);
        return new FilterSpec(name, filterClass, params, urlPattern, instance);
    }
}
