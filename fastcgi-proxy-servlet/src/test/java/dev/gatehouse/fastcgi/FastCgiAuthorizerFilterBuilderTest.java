package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatehouse.fastcgi.client.Balancing;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The authorizer filter's typed API and its init-params are one model. */
class FastCgiAuthorizerFilterBuilderTest {

    @Test
    void everySettingGivesTheConfigOfItsInitParam() {
        FastCgiAuthorizerFilterBuilder builder = FastCgiAuthorizerFilter.builder()
                .backend("unix:/run/auth.sock", "127.0.0.1:9002")
                .passAuthorization(false)
                .attributePrefix("auth.")
                .params(Map.of("REALM", "admin"))
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofMillis(300))
                .idleTimeout(Duration.ofMinutes(1))
                .maxConnections(2)
                .maxQueued(3)
                .queueTimeout(Duration.ofSeconds(4))
                .balancing(Balancing.LEAST_BUSY)
                .maxHeaderBytes(4096)
                .maxDenialBytes(0);
        Map<String, String> initParams = new LinkedHashMap<>();
        initParams.put("backend", "unix:/run/auth.sock,127.0.0.1:9002");
        initParams.put("passAuthorization", "false");
        initParams.put("attributePrefix", "auth.");
        initParams.put("params", "REALM=admin");
        initParams.put("connectTimeout", "1s");
        initParams.put("readTimeout", "300ms");
        initParams.put("idleTimeout", "1m");
        initParams.put("maxConnections", "2");
        initParams.put("maxQueued", "3");
        initParams.put("queueTimeout", "4s");
        initParams.put("balancing", "leastBusy");
        initParams.put("maxHeaderBytes", "4096");
        initParams.put("maxDenialBytes", "0");

        AuthorizerConfig typed = builder.config();

        assertEquals(AuthorizerConfig.parse(initParams::get), typed);
        assertNotEquals(AuthorizerConfig.parse(name -> null), typed);
        assertEquals(initParams.keySet(), builder.initParameters().keySet());
    }

    @Test
    void noSettingGivesTheDefaults() {
        assertEquals(
                AuthorizerConfig.parse(name -> null),
                FastCgiAuthorizerFilter.builder().config());
    }

    record Invalid(String why, UnaryOperator<FastCgiAuthorizerFilterBuilder> setting, String name, String value) {
        @Override
        public String toString() {
            return why;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("blank in the prefix", b -> b.attributePrefix("a b"), "attributePrefix", "a b"),
                new Invalid("bad backend", b -> b.backend("host"), "backend", "host"),
                new Invalid("negative read timeout", b -> b.readTimeout(Duration.ofMillis(-1)), "readTimeout", "-1ms"),
                new Invalid("negative denial", b -> b.maxDenialBytes(-1), "maxDenialBytes", "-1"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void aBadTypedValueFailsAtBuildWithTheInitParamsMessage(Invalid c) {
        IllegalArgumentException fromInitParam = assertThrows(
                IllegalArgumentException.class, () -> AuthorizerConfig.parse(Map.of(c.name(), c.value())::get));
        IllegalArgumentException fromBuilder = assertThrows(
                IllegalArgumentException.class,
                () -> c.setting().apply(FastCgiAuthorizerFilter.builder()).build());

        assertEquals(fromInitParam.getMessage(), fromBuilder.getMessage());
    }

    @Test
    void thereIsOneSetterPerInitParam() {
        Set<String> read = new TreeSet<>();
        AuthorizerConfig.parse(name -> {
            read.add(name);
            return null;
        });
        assertEquals(read, FastCgiProxyServletBuilderTest.setters(FastCgiAuthorizerFilterBuilder.class));
    }
}
