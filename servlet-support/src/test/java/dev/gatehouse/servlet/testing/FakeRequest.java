package dev.gatehouse.servlet.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake for unit tests of the servlet glue: an {@link HttpServletRequest} ({@link #request()}, a
 * {@link Proxy}) with plausible defaults (GET / HTTP/1.1 from 127.0.0.1:50000 to
 * localhost:8080, no body), attributes, a dispatcher type that becomes {@code ASYNC} after an
 * async dispatch, a {@link FakeInputStream} as its body, and {@code startAsync} giving a {@link
 * FakeAsyncContext} over this request and its {@link FakeResponse}. Setters return the fake, so a
 * test states only what matters to it. A method it does not know throws {@link
 * UnsupportedOperationException} naming it.
 */
public final class FakeRequest implements InvocationHandler {

    private final FakeResponse response;
    private final FakeInputStream in = new FakeInputStream();
    private final HttpServletRequest proxy = (HttpServletRequest)
            Proxy.newProxyInstance(FakeRequest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class}, this);
    /** Header names as first given, with their values. */
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile String method = "GET";
    private volatile String uri = "/";
    private volatile String query;
    private volatile String servletPath = "";
    private volatile String pathInfo;
    private volatile String contentType;
    private volatile long contentLength = -1;
    private volatile DispatcherType dispatcherType = DispatcherType.REQUEST;
    private volatile FakeAsyncContext async;

    /** A request whose {@code startAsync} pairs it with {@code response}. */
    public FakeRequest(FakeResponse response) {
        this.response = response;
    }

    /** A request with a response of its own. */
    public FakeRequest() {
        this(new FakeResponse());
    }

    /** The fake behind {@code request}, unwrapping servlet wrappers; null if there is none. */
    public static FakeRequest of(ServletRequest request) {
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper w) {
            r = w.getRequest();
        }
        if (r != null && Proxy.isProxyClass(r.getClass()) && Proxy.getInvocationHandler(r) instanceof FakeRequest f) {
            return f;
        }
        return null;
    }

    public HttpServletRequest request() {
        return proxy;
    }

    public FakeResponse fakeResponse() {
        return response;
    }

    public FakeInputStream in() {
        return in;
    }

    /** The context {@code startAsync} made, or null before it. */
    public FakeAsyncContext async() {
        return async;
    }

    public FakeRequest method(String value) {
        method = value;
        return this;
    }

    /** The path (servlet path, no path info) and an optional {@code ?query}. */
    public FakeRequest uri(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        uri = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        query = q < 0 ? null : pathAndQuery.substring(q + 1);
        servletPath = uri;
        return this;
    }

    public FakeRequest servletPath(String servlet, String info) {
        servletPath = servlet;
        pathInfo = info;
        return this;
    }

    public synchronized FakeRequest header(String name, String value) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        return this;
    }

    /** A body of known length: Content-Length, and the bytes waiting in {@link #in()}, then its end. */
    public FakeRequest body(String type, byte[] body) {
        contentType = type;
        contentLength = body.length;
        header("Content-Type", type).header("Content-Length", Integer.toString(body.length));
        in.add(body).end();
        return this;
    }

    /** The request is an async dispatch from now on: {@code getDispatcherType()} is ASYNC. */
    public void dispatchedAsync() {
        dispatcherType = DispatcherType.ASYNC;
    }

    public Object attribute(String name) {
        return attributes.get(name);
    }

    @Override
    public Object invoke(Object self, Method m, Object[] args) throws Throwable {
        String name = m.getName();
        switch (name) {
            case "getMethod":
                return method;
            case "getRequestURI":
                return uri;
            case "getRequestURL":
                return new StringBuffer("http://localhost:8080" + uri);
            case "getQueryString":
                return query;
            case "getProtocol":
                return "HTTP/1.1";
            case "getScheme":
                return "http";
            case "isSecure":
                return false;
            case "getServerName", "getLocalName":
                return "localhost";
            case "getServerPort", "getLocalPort":
                return 8080;
            case "getLocalAddr", "getRemoteAddr", "getRemoteHost":
                return "127.0.0.1";
            case "getRemotePort":
                return 50000;
            case "getAuthType", "getRemoteUser", "getUserPrincipal":
                return null;
            case "getContextPath":
                return "";
            case "getServletPath":
                return servletPath;
            case "getPathInfo":
                return pathInfo;
            case "getPathTranslated":
                return null;
            case "getContentType":
                return contentType;
            case "getContentLength":
                return (int) contentLength;
            case "getContentLengthLong":
                return contentLength;
            case "getCharacterEncoding":
                return null;
            case "getHeader":
                return first((String) args[0]);
            case "getHeaders":
                return Collections.enumeration(values((String) args[0]));
            case "getHeaderNames":
                synchronized (this) {
                    return Collections.enumeration(new ArrayList<>(headers.keySet()));
                }
            case "getIntHeader": {
                String v = first((String) args[0]);
                return v == null ? -1 : Integer.parseInt(v);
            }
            case "getAttribute":
                return attributes.get((String) args[0]);
            case "setAttribute":
                if (args[1] == null) {
                    attributes.remove((String) args[0]);
                } else {
                    attributes.put((String) args[0], args[1]);
                }
                return null;
            case "removeAttribute":
                attributes.remove((String) args[0]);
                return null;
            case "getAttributeNames":
                return Collections.enumeration(new ArrayList<>(attributes.keySet()));
            case "getDispatcherType":
                return dispatcherType;
            case "getInputStream":
                return in;
            case "isAsyncSupported":
                return true;
            case "isAsyncStarted":
                return async != null;
            case "getAsyncContext":
                if (async == null) {
                    throw new IllegalStateException("not async");
                }
                return async;
            case "startAsync":
                if (async == null) {
                    async = args == null || args.length == 0
                            ? new FakeAsyncContext(proxy, response.response())
                            : new FakeAsyncContext((ServletRequest) args[0], (jakarta.servlet.ServletResponse) args[1]);
                }
                return async;
            case "getTrailerFields":
                return Map.of();
            case "isTrailerFieldsReady":
                return true;
            case "getServletContext":
                return null;
            case "getLocale":
                return Locale.ROOT;
            case "toString":
                return "FakeRequest(" + method + " " + uri + ")";
            case "hashCode":
                return System.identityHashCode(self);
            case "equals":
                return self == args[0];
            default:
                throw new UnsupportedOperationException("FakeRequest does not know " + name);
        }
    }

    private synchronized List<String> values(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return List.copyOf(e.getValue());
            }
        }
        return List.of();
    }

    private String first(String name) {
        List<String> values = values(name);
        return values.isEmpty() ? null : values.get(0);
    }
}
