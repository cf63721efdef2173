package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.fastcgi.client.Backend;
import dev.gatehouse.fastcgi.client.FastCgiClient;
import dev.gatehouse.fastcgi.mapping.AuthorizerParams;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import dev.gatehouse.fastcgi.protocol.Role;
import dev.gatehouse.servlet.JreLeaks;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.TypedInitParams;
import dev.gatehouse.servlet.cgi.CgiRequests;
import dev.gatehouse.servlet.metrics.GatewayMetrics;
import dev.gatehouse.servlet.metrics.MetricsRegistry;
import dev.gatehouse.servlet.metrics.RequestTally;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.GenericFilter;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;

/**
 * Lets a request through only if a FastCGI application in the AUTHORIZER role (FastCGI 1.0
 * §6.3) says so, as Apache's {@code mod_authnz_fcgi} does: the authorizer gets the request's
 * meta-variables ({@link AuthorizerParams}: with HTTP_AUTHORIZATION, without the body), and
 * <ul>
 *   <li>a 200 answer lets the request through, its {@code Variable-NAME} fields becoming request
 *       attributes {@code attributePrefix + NAME} for the filters and servlets after this one;
 *   <li>any other answer goes to the client as the authorizer sent it (status, fields, body);
 *   <li>an authorizer that cannot be reached or fails: 502, 503 or 504, as the proxy answers.
 * </ul>
 *
 * <p><b>Non-blocking.</b> No thread waits for the authorizer: the filter starts async mode and
 * the answer arrives on the FastCGI transport thread ({@link AuthorizerExchange}). Granted access
 * continues with {@link AsyncContext#dispatch()} to the request's own URI, not with
 * {@code chain.doFilter} from another thread: the Servlet specification lets only a container
 * dispatch run the rest of a chain after {@code startAsync} (a servlet run from
 * {@code AsyncContext.start} would find the request still in async mode, and one that blocks or
 * calls {@code startAsync} itself behaves differently on each container), while a dispatch is a
 * fresh, ordinary pass through the chain on both Jetty and Tomcat. So the filter must be mapped
 * for the ASYNC dispatcher type as well as REQUEST, and so must every filter that should run
 * after it; every filter and servlet on the path must be {@code async-supported}.
 *
 * <p><b>The authorized mark.</b> The dispatched request carries a request attribute whose value
 * is a private object of this filter instance; only that very object (identity, not equality
 * or a name) lets a request pass without asking again. Clients cannot set request attributes,
 * and no header, parameter or other filter's attribute can produce it; an application
 * component that copies attributes from one request to another could, which no Gatehouse code
 * does. A request is authorized once: later async dispatches of the same request pass.
 *
 * <p>Configured by init-params ({@link AuthorizerConfig}, listed in the README), or in code with
 * {@link #builder()}, which feeds the same parser; the filter's
 * {@link FastCgiClient} is its own and is closed in {@link #destroy()}.
 */
public class FastCgiAuthorizerFilter extends GenericFilter {
    private static final long serialVersionUID = 1L;

    private static final System.Logger LOG = SafeLogger.of(FastCgiAuthorizerFilter.class.getName());

    /** The mark's value: compared by identity, never exposed. */
    private final transient Object authorized = new Object();

    private transient String markName;
    private transient AuthorizerConfig config;
    private transient MetaVariablePolicy policy;
    private transient FastCgiClient client;
    private transient AuthorizerMetrics metrics;
    /** The filter's and its backends' figures on the status page and as MBeans; closed on destroy. */
    private transient MetricsRegistry.Registration metricsRegistration;

    /** The builder's init-param values; empty for the no-arg constructor. */
    private final transient Map<String, String> preset;

    /** For deployment by class name ({@code web.xml}): configured by its init-params. */
    public FastCgiAuthorizerFilter() {
        this(Map.of());
    }

    FastCgiAuthorizerFilter(Map<String, String> preset) {
        this.preset = Map.copyOf(preset);
    }

    /**
     * A typed way to configure the filter in code, e.g. for {@code ServletContext.addFilter} or
     * Spring's {@code FilterRegistrationBean}. Init-params given on the registration of a built
     * filter still apply, over the builder's values (as Spring's {@code GenericFilterBean} applies
     * init-params over properties set in code), so a deployment can override one setting.
     */
    public static FastCgiAuthorizerFilterBuilder builder() {
        return new FastCgiAuthorizerFilterBuilder();
    }

    @Override
    public void init() throws ServletException {
        try {
            config = AuthorizerConfig.parse(
                    TypedInitParams.overlay(preset, this::getInitParameter, getInitParameterNames(), getFilterName()));
        } catch (IllegalArgumentException e) {
            throw new ServletException(getFilterName() + ": " + e.getMessage(), e);
        }
        FilterConfig filterConfig = getFilterConfig();
        markName = FastCgiAuthorizerFilter.class.getName() + ".authorized." + filterConfig.getFilterName();
        String software = "Gatehouse " + getServletContext().getServerInfo();
        policy = new MetaVariablePolicy(software, config.passAuthorization(), List.of(), config.params());
        List<Backend> backends = config.backends().stream().map(Backend::of).toList();
        client = new FastCgiClient(config.clientConfig(), backends);
        FastCgiClient c = client;
        metrics = new AuthorizerMetrics(new GatewayMetrics(() -> ProxyMetrics.queued(c)));
        metricsRegistration = ProxyMetrics.register(
                getServletContext(),
                "FastCgiAuthorizerFilter",
                "authorizer",
                getFilterName(),
                metrics.requests,
                client,
                null,
                metrics);
        LOG.log(Level.INFO, "{0}: authorizing with {1}", getFilterName(), backends);
    }

    @Override
    public void destroy() {
        if (metricsRegistration != null) {
            metricsRegistration.close();
            metricsRegistration = null;
        }
        if (client != null) {
            client.close();
        }
        JreLeaks.afterDestroy();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getAttribute(markName) == authorized) {
            chain.doFilter(request, response);
            return;
        }
        if (!(request instanceof HttpServletRequest http)) {
            throw new ServletException(getFilterName() + " authorizes HTTP requests only");
        }
        if (!request.isAsyncSupported()) {
            throw new ServletException(getFilterName()
                    + " needs <async-supported>true</async-supported> on itself and on every filter and servlet"
                    + " of the path");
        }
        List<NameValuePair> params = AuthorizerParams.of(CgiRequests.from(http), path(http), policy);
        RequestTally tally = RequestTally.begin(metrics.requests);
        AsyncContext async = request.startAsync();
        // no overall limit: the transport times out a silent authorizer (readTimeout)
        async.setTimeout(0);
        AuthorizerExchange answer = new AuthorizerExchange(
                async,
                config,
                marked -> marked.setAttribute(markName, authorized),
                http.getRequestURI(),
                metrics,
                tally);
        try {
            answer.started(client.exchange(Role.AUTHORIZER, params, answer));
        } catch (IllegalArgumentException | IllegalStateException e) {
            answer.notStarted(e);
        }
        // no STDIN: an authorizer does not get the body (FastCGI 1.0 §6.3), which stays for the servlet
    }

    /** The decoded request path, context path included. */
    private static String path(HttpServletRequest request) {
        return request.getContextPath()
                + request.getServletPath()
                + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }
}
