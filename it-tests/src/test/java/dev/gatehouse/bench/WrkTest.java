package dev.gatehouse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The benchmark's reading of wrk reports; wrk itself is not needed. */
class WrkTest {

    record Case(String name, String report, Sample expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> reports() {
        return Stream.of(
                new Case(
                        "all fine, ms and us",
                        """
                        Running 1s test @ http://127.0.0.1:18080/
                          2 threads and 4 connections
                          Thread Stats   Avg      Stdev     Max   +/- Stdev
                            Latency     3.75ms    1.56ms   8.64ms   65.61%
                            Req/Sec   527.33    186.11     1.33k    95.24%
                          Latency Distribution
                             50%  366.00us
                             75%    4.79ms
                             90%    5.70ms
                             99%    7.53ms
                          1103 requests in 1.10s, 3.13MB read
                        Requests/sec:   1002.41
                        Transfer/sec:      2.84MB
                        """,
                        Sample.http(1002.41, 0.366, 7.53, 1103, 0)),
                new Case(
                        "seconds, non-2xx and socket errors",
                        """
                        Running 5s test @ http://127.0.0.1:8080/tomcat-sh/hello.sh
                          2 threads and 16 connections
                          Thread Stats   Avg      Stdev     Max   +/- Stdev
                            Latency   240.10ms  249.00ms   1.02s    51.00%
                            Req/Sec    35.10     10.00    60.00     70.00%
                          Latency Distribution
                             50%  504.37ms
                             75%  507.00ms
                             90%  509.00ms
                             99%    1.01s
                          351 requests in 5.01s, 60.00KB read
                          Socket errors: connect 0, read 2, write 0, timeout 1
                          Non-2xx or 3xx responses: 4
                        Requests/sec:     70.06
                        Transfer/sec:     11.98KB
                        """,
                        Sample.http(70.06, 504.37, 1010.0, 351, 7)));
    }

    @ParameterizedTest
    @MethodSource("reports")
    void readsTheFigures(Case c) {
        assertEquals(c.expected(), Wrk.parse(c.report()));
    }

    @ParameterizedTest
    @MethodSource("reports")
    void refusesAReportWithoutLatencyDistribution(Case c) {
        String withoutDistribution = c.report().replaceAll("(?m)^\\s+\\d+%.*\\n", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wrk.parse(withoutDistribution));
        assertTrue(e.getMessage().contains("--latency"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("reports")
    void refusesWhatIsNotAReport(Case c) {
        String truncated = c.report().substring(0, c.report().indexOf("Requests/sec"));
        assertThrows(IllegalArgumentException.class, () -> Wrk.parse(truncated));
    }
}
