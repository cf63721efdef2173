package dev.gatehouse.servlet.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoopbackOnlyFilterTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1,true",
        "127.1.2.3,true",
        "::1,true",
        "0:0:0:0:0:0:0:1,true",
        "10.0.0.1,false",
        "192.168.1.1,false",
        "::ffff:10.0.0.1,false",
        "localhost,false",
        "'',false"
    })
    void onlyLoopbackAddressesPass(String address, boolean admitted) {
        assertEquals(admitted, LoopbackOnlyFilter.loopback(address));
    }
}
