package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyAsgiWebSocketIT extends AsgiWebSocketContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
