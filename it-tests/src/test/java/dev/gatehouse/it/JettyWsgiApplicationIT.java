package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyWsgiApplicationIT extends WsgiApplicationContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
