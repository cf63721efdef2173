package dev.gatehouse.sample.asgi;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 and byte count of a request body, computed as its chunks arrive: of the whole body, or,
 * for {@code multipart/form-data}, of each file part's content (parts without a filename, plain
 * form fields, are skipped). Nothing of the body is kept.
 */
final class BodyHasher {

    /**
     * The digest of the raw body (field and filename null) or of one file part.
     *
     * @param sha256 lowercase hex
     */
    record Result(String field, String filename, long bytes, String sha256) {}

    private final MultipartParser parser; // null: the raw body is hashed
    private final List<Result> results = new ArrayList<>();
    private MessageDigest digest; // of the raw body, or of the current file part; null in other parts
    private MultipartParser.PartHeaders part;
    private long bytes;

    private BodyHasher(String boundary) throws MultipartParser.MalformedException {
        if (boundary == null) {
            parser = null;
            digest = sha256();
        } else {
            parser = new MultipartParser(boundary, new FileParts());
        }
    }

    /**
     * A hasher for a body of {@code contentType}: per file for {@code multipart/form-data}, else of
     * the whole body.
     *
     * @throws MultipartParser.MalformedException for a multipart type without a valid boundary
     */
    static BodyHasher forContentType(String contentType) throws MultipartParser.MalformedException {
        return new BodyHasher(MultipartParser.boundary(contentType));
    }

    boolean isMultipart() {
        return parser != null;
    }

    /** Hashes the next chunk of the body. */
    void update(byte[] chunk) throws MultipartParser.MalformedException {
        if (parser == null) {
            digest.update(chunk);
            bytes += chunk.length;
        } else {
            parser.feed(chunk);
        }
    }

    /** The body has ended: the raw body's digest, or one per file part, in order. */
    List<Result> finish() throws MultipartParser.MalformedException {
        if (parser == null) {
            results.add(new Result(null, null, bytes, HexFormat.of().formatHex(digest.digest())));
        } else {
            parser.finish();
        }
        return List.copyOf(results);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Starts a digest for each part with a filename and ends it with the part. */
    private final class FileParts implements MultipartParser.Listener {
        @Override
        public void partStarted(MultipartParser.PartHeaders headers) {
            part = headers;
            digest = headers.filename() != null ? sha256() : null;
            bytes = 0;
        }

        @Override
        public void partContent(byte[] content, int offset, int length) {
            if (digest != null) {
                digest.update(content, offset, length);
                bytes += length;
            }
        }

        @Override
        public void partEnded() {
            if (digest != null) {
                results.add(new Result(
                        part.name(), part.filename(), bytes, HexFormat.of().formatHex(digest.digest())));
            }
            digest = null;
        }
    }
}
