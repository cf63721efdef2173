package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyTypedApiIT extends TypedApiContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
