package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyOperabilityIT extends OperabilityContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
