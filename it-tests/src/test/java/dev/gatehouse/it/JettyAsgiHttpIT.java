package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;
import org.junit.jupiter.api.Test;

class JettyAsgiHttpIT extends AsgiHttpContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }

    /**
     * The naive recursive consumer begun from a thread of the application's own after {@code
     * handle} returned: its receives find the exchange idle and are done on that thread, so the
     * bridge completes their stages through a container thread past the nesting bound. Jetty
     * only: on Tomcat 11 a body read begun from a non-container thread stalls until asyncTimeout,
     * with or without the bound (seen before and after the change; not yet understood).
     */
    @Test
    void naiveRecursiveConsumerOnAnApplicationThread() throws Exception {
        uploadOneGibibyte("naive-sink-later");
    }
}
