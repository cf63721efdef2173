package dev.gatehouse.asgi.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatehouse.asgi.AsgiApplication;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ASGI servlet's typed API and its init-params are one model, and a built servlet's
 * registration init-params apply over the builder's values.
 */
class AsgiServletBuilderTest {

    /** Declines lifespan (so {@code init} needs no container) and serves nothing. */
    private static final AsgiApplication APP =
            (scope, receive, send) -> CompletableFuture.failedFuture(new IllegalArgumentException("no lifespan"));

    @Test
    void everySettingGivesTheConfigOfItsInitParam() {
        AsgiServletBuilder builder = AsgiServlet.builder(APP)
                .asyncTimeout(Duration.ZERO)
                .lifespanTimeout(Duration.ofMillis(500))
                .readBufferSize(1024)
                .webSocketMaxMessageSize(4096)
                .webSocketHandshakeTimeout(Duration.ofMinutes(1));
        Map<String, String> initParams = Map.of(
                "asyncTimeout", "0",
                "lifespanTimeout", "500ms",
                "readBufferSize", "1024",
                "webSocketMaxMessageSize", "4096",
                "webSocketHandshakeTimeout", "1m");

        AsgiServletConfig typed = builder.config();

        assertEquals(AsgiServletConfig.from(initParams::get, true), typed);
        assertNotEquals(AsgiServletConfig.from(name -> null, true), typed);
        assertEquals(initParams.keySet(), builder.initParameters().keySet());
    }

    @Test
    void noSettingGivesTheDefaults() {
        assertEquals(
                AsgiServletConfig.from(name -> null, true),
                AsgiServlet.builder(APP).config());
    }

    record Invalid(String why, UnaryOperator<AsgiServletBuilder> setting, String name, String value) {
        @Override
        public String toString() {
            return why;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid(
                        "negative async timeout", b -> b.asyncTimeout(Duration.ofSeconds(-1)), "asyncTimeout", "-1s"),
                new Invalid("zero lifespan timeout", b -> b.lifespanTimeout(Duration.ZERO), "lifespanTimeout", "0s"),
                new Invalid("tiny buffer", b -> b.readBufferSize(10), "readBufferSize", "10"),
                new Invalid(
                        "huge message",
                        b -> b.webSocketMaxMessageSize(Integer.MAX_VALUE),
                        "webSocketMaxMessageSize",
                        Integer.toString(Integer.MAX_VALUE)));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void aBadTypedValueFailsAtBuildWithTheInitParamsMessage(Invalid c) {
        IllegalArgumentException fromInitParam = assertThrows(
                IllegalArgumentException.class, () -> AsgiServletConfig.from(Map.of(c.name(), c.value())::get, true));
        IllegalArgumentException fromBuilder = assertThrows(
                IllegalArgumentException.class,
                () -> c.setting().apply(AsgiServlet.builder(APP)).build());

        assertEquals(fromInitParam.getMessage(), fromBuilder.getMessage());
    }

    @Test
    void theInstanceStandsForTheApplicationInitParamAndEveryOtherHasASetter() {
        Set<String> read = new TreeSet<>();
        AsgiServletConfig.from(
                name -> {
                    read.add(name);
                    return null;
                },
                true);
        read.remove(AsgiServletConfig.APPLICATION);
        Set<String> setters = Arrays.stream(AsgiServletBuilder.class.getMethods())
                .filter(m -> m.getReturnType() == AsgiServletBuilder.class && !Modifier.isStatic(m.getModifiers()))
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(read, setters);
    }

    @Test
    void aBuiltServletUsesTheBuildersValuesWhereItsRegistrationGivesNone() throws ServletException {
        AsgiServlet servlet = AsgiServlet.builder(APP)
                .asyncTimeout(Duration.ofSeconds(30))
                .readBufferSize(2048)
                .build();

        servlet.init(registration(Map.of()));

        assertEquals(Duration.ofSeconds(30), servlet.config().asyncTimeout());
        assertEquals(2048, servlet.config().readBufferSize());
        servlet.destroy();
    }

    @Test
    void theRegistrationsInitParamsApplyOverTheBuildersValues() throws ServletException {
        AsgiServlet servlet = AsgiServlet.builder(APP)
                .asyncTimeout(Duration.ofSeconds(30))
                .readBufferSize(2048)
                .build();

        servlet.init(registration(Map.of("asyncTimeout", "5s", "lifespanTimeout", "2s")));

        assertEquals(Duration.ofSeconds(5), servlet.config().asyncTimeout(), "the registration wins");
        assertEquals(Duration.ofSeconds(2), servlet.config().lifespanTimeout(), "the registration adds");
        assertEquals(2048, servlet.config().readBufferSize(), "the builder's value stays");
        servlet.destroy();
    }

    @Test
    void aRegistrationsBadValueFailsInitNamingTheInitParam() {
        AsgiServlet servlet = AsgiServlet.builder(APP).build();

        ServletException e =
                assertThrows(ServletException.class, () -> servlet.init(registration(Map.of("readBufferSize", "1"))));

        assertEquals(
                "hello: init-param readBufferSize='1' is invalid: expected a number of bytes from 1024 to 16777216",
                e.getMessage());
    }

    @Test
    void aRegistrationCannotNameAnotherApplicationForABuiltServlet() {
        AsgiServlet servlet = AsgiServlet.builder(APP).build();

        ServletException e = assertThrows(
                ServletException.class, () -> servlet.init(registration(Map.of("application", "com.example.App"))));

        assertEquals(
                "hello: init-param application='com.example.App' is invalid: the servlet was constructed with an"
                        + " application instance",
                e.getMessage());
    }

    /** A context that keeps attributes only: where the servlet registers its figures. */
    private static final ServletContext CONTEXT = context();

    private static ServletContext context() {
        Map<String, Object> attributes = new java.util.concurrent.ConcurrentHashMap<>();
        return (ServletContext) java.lang.reflect.Proxy.newProxyInstance(
                ServletContext.class.getClassLoader(),
                new Class<?>[] {ServletContext.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "getContextPath" -> "";
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** What a container hands the servlet for a registration named {@code hello} with these init-params. */
    private static ServletConfig registration(Map<String, String> initParams) {
        return new ServletConfig() {
            @Override
            public String getServletName() {
                return "hello";
            }

            @Override
            public ServletContext getServletContext() {
                return CONTEXT;
            }

            @Override
            public String getInitParameter(String name) {
                return initParams.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(initParams.keySet());
            }
        };
    }
}
