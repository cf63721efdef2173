package dev.gatehouse.fastcgi.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FCGI_GET_VALUES out, FCGI_GET_VALUES_RESULT back (FastCGI 1.0 §4.1), with a stand-in
 * application in the middle that answers the variables it knows and omits the others.
 */
class GetValuesRoundTripTest {

    private static final Map<String, String> APPLICATION =
            Map.of(FastCgi.MAX_CONNS, "10", FastCgi.MAX_REQS, "50", FastCgi.MPXS_CONNS, "0");

    record Query(String name, GetValues query, Map<String, String> answer) {}

    static Stream<Query> queries() {
        return Stream.of(
                new Query(
                        "the three standard variables",
                        GetValues.standard(),
                        ordered(FastCgi.MAX_CONNS, "10", FastCgi.MAX_REQS, "50", FastCgi.MPXS_CONNS, "0")),
                new Query(
                        "an unknown variable is omitted",
                        new GetValues(List.of("PHP_VALUE", FastCgi.MPXS_CONNS)),
                        ordered(FastCgi.MPXS_CONNS, "0")),
                new Query("nothing asked, nothing answered", new GetValues(List.of()), ordered()));
    }

    private static Map<String, String> ordered(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    /** What an application does with a GET_VALUES record: the GET_VALUES_RESULT it sends. */
    private static byte[] answer(ByteBuffer getValues) throws FastCgiProtocolException {
        assertEquals(1, getValues.get(), "version");
        assertEquals(RecordType.GET_VALUES.code(), getValues.get());
        assertEquals(0, getValues.getShort(), "the null request id");
        int length = getValues.getShort();
        int padding = getValues.get();
        getValues.get();
        ByteBuffer content = getValues.slice(getValues.position(), length);
        assertEquals(length + padding, getValues.remaining());
        NameValuePairs pairs = NameValuePairs.withDefaults();
        List<NameValuePair> known = pairs.decode(content).stream()
                .peek(pair -> assertEquals("", pair.value(), "a query has empty values"))
                .filter(pair -> APPLICATION.containsKey(pair.name()))
                .map(pair -> new NameValuePair(pair.name(), APPLICATION.get(pair.name())))
                .toList();
        byte[] result = pairs.encode(known).array();
        return Bytes.record(1, RecordType.GET_VALUES_RESULT.code(), 0, result, RecordHeader.paddingFor(result.length));
    }

    @ParameterizedTest
    @MethodSource("queries")
    void theAnswerComesBackAsAnOrderedMap(Query q) throws FastCgiProtocolException {
        byte[] answer = answer(new RecordWriter().getValues(q.query()));
        RecordParser parser = RecordParser.forRequests(id -> false);
        List<ServerRecord> records = ParsedEvents.parse(parser, List.of(ByteBuffer.wrap(answer)));
        assertEquals(List.of(new GetValuesResult(q.answer())), records, q.name());
        GetValuesResult result = (GetValuesResult) records.get(0);
        assertEquals(
                List.copyOf(q.answer().keySet()), List.copyOf(result.values().keySet()));
    }
}
