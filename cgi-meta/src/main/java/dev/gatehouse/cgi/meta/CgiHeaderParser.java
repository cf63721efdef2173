package dev.gatehouse.cgi.meta;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An incremental parser for the header block a CGI program writes before its body (RFC 3875
 * §6.2–6.3), fed the bytes as they arrive — from a process's stdout or from FastCGI STDOUT
 * records — with no I/O of its own.
 *
 * <p>Lines end in LF or CRLF; the block ends at the first empty line. The block is bounded:
 * past {@code maxBytes} without its end the input is rejected. In NPH mode (a program named
 * {@code nph-*}) the first line is an HTTP status line ({@code HTTP/1.1 200 OK}) instead of a
 * Status field.
 *
 * <p>Rejected with {@link CgiHeaderException}: a line without a colon, an empty or non-token
 * field name, control characters in a value, a Status that is not three digits in 100–599, a
 * block with neither Content-Type, Location nor Status, and a block that is too large or ends
 * before its empty line (see {@link #finish()}).
 */
public final class CgiHeaderParser {

    /** The smallest header-block limit accepted. */
    public static final int MIN_BYTES = 16;

    private static final int INITIAL_BYTES = 512;

    private final int maxBytes;
    private final boolean nph;
    private byte[] buffer;
    private int length;
    private int lineStart;
    private boolean statusLineSeen;
    private final List<CgiResponseHead.Field> fields = new ArrayList<>();
    private CgiResponseHead head;

    /**
     * @param maxBytes the largest header block accepted, blank line included
     * @param nph whether the block starts with an HTTP status line (non-parsed headers)
     */
    public CgiHeaderParser(int maxBytes, boolean nph) {
        if (maxBytes < MIN_BYTES) {
            throw new IllegalArgumentException("maxBytes must be at least " + MIN_BYTES + ": " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.nph = nph;
        // grown on demand: a typical header block is a few hundred bytes, and one parser is
        // made per request (8 KiB up front was a sixth of the FastCGI proxy's allocation)
        this.buffer = new byte[Math.min(maxBytes, INITIAL_BYTES)];
    }

    /**
     * Feeds bytes. Returns the number of bytes consumed from {@code data}: fewer than
     * {@code len} only once the block is complete, and the rest is the start of the body.
     *
     * @throws CgiHeaderException if the block is malformed or exceeds the limit
     * @throws IllegalStateException if the block was already complete
     */
    public int feed(byte[] data, int off, int len) throws CgiHeaderException {
        if (head != null) {
            throw new IllegalStateException("header block already complete");
        }
        for (int i = 0; i < len; i++) {
            byte b = data[off + i];
            if (length == maxBytes) {
                throw new CgiHeaderException("header block exceeds " + maxBytes + " bytes");
            }
            append(b);
            if (b == '\n') {
                int end = length - 1;
                if (end > lineStart && buffer[end - 1] == '\r') {
                    end--;
                }
                if (end == lineStart) {
                    head = complete();
                    return i + 1;
                }
                line(new String(buffer, lineStart, end - lineStart, StandardCharsets.ISO_8859_1));
                lineStart = length;
            }
        }
        return len;
    }

    /** Whether the whole block has been read. */
    public boolean isComplete() {
        return head != null;
    }

    /**
     * The parsed block.
     *
     * @throws CgiHeaderException if input ended before the block was complete
     */
    public CgiResponseHead finish() throws CgiHeaderException {
        if (head == null) {
            throw new CgiHeaderException(
                    length == 0
                            ? "no output before end of stream"
                            : "end of stream inside the header block (" + length + " bytes, no blank line)");
        }
        return head;
    }

    private void append(byte b) {
        if (length == buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(maxBytes, buffer.length * 2));
        }
        buffer[length++] = b;
    }

    private void line(String line) throws CgiHeaderException {
        if (nph && !statusLineSeen) {
            statusLineSeen = true;
            fields.add(new CgiResponseHead.Field("Status", parseStatusLine(line)));
            return;
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new CgiHeaderException("malformed header line (no field name and colon): " + quote(line));
        }
        String name = line.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new CgiHeaderException("malformed header field name: " + quote(name));
            }
        }
        String value = trimOptionalWhitespace(line.substring(colon + 1));
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' && c != '\t' || c == 127) {
                throw new CgiHeaderException("control character in header " + name);
            }
        }
        fields.add(new CgiResponseHead.Field(name, value));
    }

    /** RFC 9110 §5.6.3: only SP and HTAB around a value; other controls are rejected, not cut. */
    private static String trimOptionalWhitespace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static String parseStatusLine(String line) throws CgiHeaderException {
        // HTTP/1.1 200 OK  ->  "200 OK"
        if (!line.startsWith("HTTP/")) {
            throw new CgiHeaderException("nph output does not start with an HTTP status line: " + quote(line));
        }
        int space = line.indexOf(' ');
        if (space < 0) {
            throw new CgiHeaderException("malformed nph status line: " + quote(line));
        }
        return line.substring(space + 1).strip();
    }

    private CgiResponseHead complete() throws CgiHeaderException {
        Integer status = null;
        String location = null;
        boolean contentType = false;
        List<CgiResponseHead.Field> headers = new ArrayList<>();
        for (CgiResponseHead.Field field : fields) {
            switch (field.name().toLowerCase(Locale.ROOT)) {
                case "status" -> {
                    if (status != null) {
                        throw new CgiHeaderException("more than one Status field");
                    }
                    status = parseStatus(field.value());
                }
                case "location" -> {
                    if (location != null) {
                        throw new CgiHeaderException("more than one Location field");
                    }
                    location = field.value();
                }
                    // hop-by-hop: the container owns the connection and the transfer coding
                case "connection",
                        "keep-alive",
                        "transfer-encoding",
                        "upgrade",
                        "te",
                        "trailer",
                        "proxy-connection" -> {}
                default -> {
                    contentType |= field.name().equalsIgnoreCase("Content-Type");
                    headers.add(field);
                }
            }
        }
        if (status == null && location == null && !contentType) {
            throw new CgiHeaderException(
                    fields.isEmpty()
                            ? "empty header block"
                            : "header block has none of Content-Type, Location or Status");
        }
        if (location != null) {
            if (location.startsWith("/") && !location.startsWith("//")) {
                if (status == null || status == 200) {
                    return new CgiResponseHead(CgiResponseHead.Kind.LOCAL_REDIRECT, 200, location, headers);
                }
            } else if (!isAbsoluteUri(location)) {
                throw new CgiHeaderException(
                        "Location is neither an absolute URI nor a local path: " + quote(location));
            }
            return new CgiResponseHead(
                    CgiResponseHead.Kind.CLIENT_REDIRECT, status == null ? 302 : status, location, headers);
        }
        return new CgiResponseHead(CgiResponseHead.Kind.DOCUMENT, status == null ? 200 : status, null, headers);
    }

    private static int parseStatus(String value) throws CgiHeaderException {
        if (value.length() < 3 || (value.length() > 3 && value.charAt(3) != ' ')) {
            throw new CgiHeaderException("malformed Status: " + quote(value));
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new CgiHeaderException("malformed Status: " + quote(value));
            }
            code = code * 10 + (c - '0');
        }
        if (code < 100 || code > 599) {
            throw new CgiHeaderException("Status out of range: " + quote(value));
        }
        return code;
    }

    /** RFC 3986 §3.1: scheme ":" ... with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
    private static boolean isAbsoluteUri(String value) {
        int colon = value.indexOf(':');
        if (colon <= 0 || !isAsciiLetter(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            char c = value.charAt(i);
            if (!(isAsciiLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return '"' + shown + '"';
    }
}
