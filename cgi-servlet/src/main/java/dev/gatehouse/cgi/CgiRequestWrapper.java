package dev.gatehouse.cgi;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request an exchange runs in async mode with. After a local redirect (RFC 3875 §6.2.2)
 * it turns into what the RFC asks the server to answer: a GET of the local path and query,
 * without the original body (Apache's mod_cgi does the same), whatever the original method.
 */
final class CgiRequestWrapper extends HttpServletRequestWrapper {

    private static final Set<String> BODY_HEADERS = Set.of("content-length", "content-type", "transfer-encoding");

    private volatile String redirectPath;
    private volatile String redirectQuery;

    CgiRequestWrapper(HttpServletRequest request) {
        super(request);
    }

    /** From now on the request is a GET of {@code location} (a path with an optional query). */
    void redirectTo(String location) {
        int q = location.indexOf('?');
        redirectQuery = q < 0 ? null : location.substring(q + 1);
        redirectPath = q < 0 ? location : location.substring(0, q);
    }

    boolean redirected() {
        return redirectPath != null;
    }

    /** The original or, after a redirect, the local path the client is answered for. */
    String targetUri() {
        return redirected() ? redirectPath : getRequestURI();
    }

    /** The original query or, after a redirect, the query of the local redirect. */
    String targetQuery() {
        return redirected() ? redirectQuery : getQueryString();
    }

    @Override
    public String getMethod() {
        return redirected() ? "GET" : super.getMethod();
    }

    @Override
    public int getContentLength() {
        return redirected() ? -1 : super.getContentLength();
    }

    @Override
    public long getContentLengthLong() {
        return redirected() ? -1 : super.getContentLengthLong();
    }

    @Override
    public String getContentType() {
        return redirected() ? null : super.getContentType();
    }

    @Override
    public String getHeader(String name) {
        return redirected() && isBodyHeader(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return redirected() && isBodyHeader(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        if (!redirected()) {
            return super.getHeaderNames();
        }
        List<String> names = Collections.list(super.getHeaderNames());
        names.removeIf(CgiRequestWrapper::isBodyHeader);
        return Collections.enumeration(names);
    }

    @Override
    public ServletInputStream getInputStream() throws java.io.IOException {
        return redirected() ? EmptyInput.INSTANCE : super.getInputStream();
    }

    private static boolean isBodyHeader(String name) {
        return BODY_HEADERS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The body of a redirected request: none. */
    private static final class EmptyInput extends ServletInputStream {
        static final EmptyInput INSTANCE = new EmptyInput();

        @Override
        public int read() {
            return -1;
        }

        @Override
        public boolean isFinished() {
            return true;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new IllegalStateException("a redirected request has no body to read");
        }
    }
}
