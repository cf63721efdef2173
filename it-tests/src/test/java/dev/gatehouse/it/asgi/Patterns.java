package dev.gatehouse.it.asgi;

import java.util.zip.CRC32C;

/** The bytes of the big transfers: a fixed 64 KiB pattern, so no side holds more than a chunk. */
public final class Patterns {
    public static final int CHUNK = 65536;
    private static final byte[] PATTERN = new byte[CHUNK];

    static {
        for (int i = 0; i < CHUNK; i++) {
            PATTERN[i] = (byte) (i * 31 + (i >>> 8));
        }
    }

    private Patterns() {}

    /** The first {@code n} bytes of the pattern (n ≤ 64 KiB). */
    public static byte[] chunk(int n) {
        return n == CHUNK ? PATTERN : java.util.Arrays.copyOf(PATTERN, n);
    }

    /** The CRC32C of {@code size} bytes made of the pattern repeated, as the sides compute it. */
    public static long crcOf(long size) {
        CRC32C crc = new CRC32C();
        for (long done = 0; done < size; done += CHUNK) {
            crc.update(PATTERN, 0, (int) Math.min(CHUNK, size - done));
        }
        return crc.getValue();
    }
}
