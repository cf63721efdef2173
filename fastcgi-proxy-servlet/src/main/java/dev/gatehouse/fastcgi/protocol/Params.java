package dev.gatehouse.fastcgi.protocol;

import java.util.List;

/**
 * The whole {@code FCGI_PARAMS} name-value pair stream of one request (FastCGI 1.0 §5.2): for
 * the Responder role, the CGI/1.1 meta-variables. {@link RecordWriter} sends it as as many
 * PARAMS records as needed followed by the empty PARAMS record that ends the stream.
 *
 * @param requestId the request, 1–65535
 * @param pairs the pairs in the order they are sent (the specification leaves order open)
 */
public record Params(int requestId, List<NameValuePair> pairs) implements ClientRecord {

    public Params {
        FastCgi.requireApplicationRequestId(requestId);
        pairs = List.copyOf(pairs);
    }

    @Override
    public RecordType type() {
        return RecordType.PARAMS;
    }
}
