package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyAsgiHttpIT extends AsgiHttpContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
