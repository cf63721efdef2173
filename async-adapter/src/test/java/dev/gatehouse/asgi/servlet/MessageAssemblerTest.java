package dev.gatehouse.asgi.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.asgi.WebSocketReceive;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {
    private final List<String> seen = new ArrayList<>();
    private final MessageAssembler assembler = new MessageAssembler(8, new MessageAssembler.Sink() {
        @Override
        public void received(WebSocketReceive message, long size) {
            seen.add((message.isText() ? "text:" + message.text() : "bytes:" + message.bytes().length) + "/" + size);
        }

        @Override
        public void messageTooBig() {
            seen.add("too big");
        }
    });

    @Test
    void joinsPartsIntoOneMessage() {
        assembler.text("ab", false);
        assembler.text("cd", true);
        assembler.binary(ByteBuffer.wrap(new byte[3]), false);
        assembler.binary(ByteBuffer.wrap(new byte[5]), true);
        assertEquals(List.of("text:abcd/4", "bytes:8/8"), seen);
    }

    @Test
    void countsUtf8BytesAndRefusesOnceOverTheLimit() {
        assembler.text("€€", true); // 6 bytes
        assembler.text("€€", false);
        assembler.text("€", true); // 9 bytes: too big
        assembler.text("a", true); // ignored after refusing
        assertEquals(List.of("text:€€/6", "too big"), seen);
    }

    @Test
    void utf8Length() {
        assertEquals(1 + 2 + 3 + 4, MessageAssembler.utf8Length("aé€😀"));
    }
}
