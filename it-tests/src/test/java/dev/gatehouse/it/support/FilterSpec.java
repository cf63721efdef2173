package dev.gatehouse.it.support;

import jakarta.servlet.Filter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A filter to register programmatically: what a web.xml {@code <filter>} and
 * {@code <filter-mapping>} pair with {@code <dispatcher>REQUEST</dispatcher>} and
 * {@code <dispatcher>ASYNC</dispatcher>} would say; async-supported.
 */
public record FilterSpec(
        String name, Class<? extends Filter> filterClass, Map<String, String> initParams, String urlPattern) {

    public FilterSpec {
        initParams = Map.copyOf(initParams);
    }

    public static FilterSpec of(String name, Class<? extends Filter> filterClass, String urlPattern) {
        return new FilterSpec(name, filterClass, Map.of(), urlPattern);
    }

    /** This spec with one more init-param. */
    public FilterSpec param(String key, String value) {
        Map<String, String> params = new LinkedHashMap<>(initParams);
        params.put(key, value);
        return new FilterSpec(name, filterClass, params, urlPattern);
    }
}
