package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.fastcgi.client.FastCgiClient;
import java.nio.file.Path;

/** What every request of one {@link FastCgiProxyServlet} shares. */
record ProxyRuntime(FastCgiConfig config, MetaVariablePolicy policy, FastCgiClient client, Path tempDir) {

    /** Retry-After for a 503: the queue timeout, in whole seconds, at least 1. */
    String retryAfter() {
        return Long.toString(Math.max(1, (config.queueTimeout().toMillis() + 999) / 1000));
    }
}
