package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyMalformedBodyIT extends MalformedBodyContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
