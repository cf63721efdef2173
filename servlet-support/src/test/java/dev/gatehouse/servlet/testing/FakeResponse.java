package dev.gatehouse.servlet.testing;

import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A fake for unit tests of the servlet glue: an {@link HttpServletResponse} ({@link #response()},
 * a {@link Proxy}) that keeps what a container would: status, headers, the committed flag, the
 * errors sent, resets, and a {@link FakeOutputStream} as its body. It commits as a container
 * does on a flush or a write past its buffer, and not on {@code sendError}, whose page Tomcat and
 * Jetty write only when the request ends; once committed, status and header changes are ignored
 * and {@code sendError} or {@code reset} throw {@link IllegalStateException}. Its {@link
 * #journal} lists the ends asked of the response and of its {@link FakeAsyncContext} in one order
 * ({@code sendError 400}, {@code reset}, {@code complete}, {@code dispatch}). A method it does not know throws {@link UnsupportedOperationException}
 * naming it, so that a test shows what the glue newly needs.
 */
public final class FakeResponse implements InvocationHandler {

    private final FakeOutputStream out = new FakeOutputStream(this::commit, this::bufferSize);
    private final HttpServletResponse proxy = (HttpServletResponse) Proxy.newProxyInstance(
            FakeResponse.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class}, this);
    /** Header names in the order first set, lower case, with their values. */
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private final List<Integer> errors = new CopyOnWriteArrayList<>();
    private final List<String> journal = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile boolean committed;
    private volatile int resets;
    private volatile int bufferSize = 8192;
    private volatile String contentType;
    private volatile long contentLength = -1;
    private volatile Supplier<Map<String, String>> trailerFields;

    /** The response the glue uses. */
    public HttpServletResponse response() {
        return proxy;
    }

    public FakeOutputStream out() {
        return out;
    }

    public int status() {
        return status;
    }

    public boolean committed() {
        return committed;
    }

    /** Marks the response committed, as if its head had gone out. */
    public void commit() {
        committed = true;
    }

    /** The fake behind {@code response}, or null if it is not one. */
    public static FakeResponse of(jakarta.servlet.ServletResponse response) {
        jakarta.servlet.ServletResponse r = response;
        while (r instanceof jakarta.servlet.ServletResponseWrapper w) {
            r = w.getResponse();
        }
        if (r != null && Proxy.isProxyClass(r.getClass()) && Proxy.getInvocationHandler(r) instanceof FakeResponse f) {
            return f;
        }
        return null;
    }

    /** The ends asked of this response and its async context, in order. */
    public List<String> journal() {
        return List.copyOf(journal);
    }

    void note(String call) {
        journal.add(call);
    }

    /** The statuses passed to {@code sendError}, in order. */
    public List<Integer> errors() {
        return List.copyOf(errors);
    }

    public int resets() {
        return resets;
    }

    public String contentType() {
        return contentType;
    }

    public long contentLength() {
        return contentLength;
    }

    /** The first value of header {@code name} (any case), or null. */
    public synchronized String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public synchronized List<String> headers(String name) {
        return List.copyOf(headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    }

    public Supplier<Map<String, String>> trailerFields() {
        return trailerFields;
    }

    public void setBufferSize(int size) {
        bufferSize = size;
    }

    private int bufferSize() {
        return bufferSize;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "getOutputStream":
                return out;
            case "getStatus":
                return status;
            case "setStatus":
                if (!committed) {
                    status = (Integer) args[0];
                }
                return null;
            case "isCommitted":
                return committed;
            case "sendError":
                if (committed) {
                    throw new IllegalStateException("sendError after the response was committed");
                }
                errors.add((Integer) args[0]);
                journal.add("sendError " + args[0]);
                status = (Integer) args[0];
                return null;
            case "reset":
                if (committed) {
                    throw new IllegalStateException("reset after the response was committed");
                }
                resets++;
                journal.add("reset");
                status = 200;
                contentType = null;
                contentLength = -1;
                synchronized (this) {
                    headers.clear();
                }
                out.clear();
                return null;
            case "resetBuffer":
                if (committed) {
                    throw new IllegalStateException("resetBuffer after the response was committed");
                }
                out.clear();
                return null;
            case "flushBuffer":
                commit();
                return null;
            case "getBufferSize":
                return bufferSize;
            case "setBufferSize":
                bufferSize = (Integer) args[0];
                return null;
            case "setHeader", "setIntHeader", "setDateHeader":
                setHeader((String) args[0], String.valueOf(args[1]), true);
                return null;
            case "addHeader", "addIntHeader", "addDateHeader":
                setHeader((String) args[0], String.valueOf(args[1]), false);
                return null;
            case "getHeader":
                return header((String) args[0]);
            case "getHeaders":
                return headers((String) args[0]);
            case "getHeaderNames":
                synchronized (this) {
                    return (Collection<String>) new ArrayList<>(headers.keySet());
                }
            case "containsHeader":
                return header((String) args[0]) != null;
            case "setContentType":
                if (!committed) {
                    contentType = (String) args[0];
                }
                return null;
            case "getContentType":
                return contentType;
            case "setContentLength":
                contentLength = (Integer) args[0];
                return null;
            case "setContentLengthLong":
                contentLength = (Long) args[0];
                return null;
            case "setCharacterEncoding", "setLocale":
                return null;
            case "getCharacterEncoding":
                return "ISO-8859-1";
            case "getLocale":
                return Locale.ROOT;
            case "setTrailerFields":
                trailerFields = cast(args[0]);
                return null;
            case "getTrailerFields":
                return trailerFields;
            case "encodeURL", "encodeRedirectURL":
                return args[0];
            case "toString":
                return "FakeResponse(" + status + ")";
            case "hashCode":
                return System.identityHashCode(self);
            case "equals":
                return self == args[0];
            default:
                throw new UnsupportedOperationException("FakeResponse does not know " + name);
        }
    }

    private synchronized void setHeader(String name, String value, boolean replace) {
        if (committed) {
            return;
        }
        List<String> values = headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>());
        if (replace) {
            values.clear();
        }
        values.add(value);
    }

    @SuppressWarnings("unchecked")
    private static Supplier<Map<String, String>> cast(Object supplier) {
        return (Supplier<Map<String, String>>) supplier;
    }
}
