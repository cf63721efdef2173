package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyManagedBackendIT extends ManagedBackendContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
