package dev.gatehouse.it.support;

import jakarta.servlet.FilterChain;
import jakarta.servlet.GenericFilter;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/**
 * A hostile or careless filter in front of the authorizer: sets the request attribute named by
 * the header {@code X-Forge-Name} to the header {@code X-Forge-Value}, so a test can try to fake
 * the authorizer filter's mark with an attribute of the right name.
 */
public class AttributeForgingFilter extends GenericFilter {
    private static final long serialVersionUID = 1L;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String name = ((HttpServletRequest) request).getHeader("X-Forge-Name");
        if (name != null) {
            request.setAttribute(name, ((HttpServletRequest) request).getHeader("X-Forge-Value"));
        }
        chain.doFilter(request, response);
    }
}
