package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettySampleWarIT extends SampleWarContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
