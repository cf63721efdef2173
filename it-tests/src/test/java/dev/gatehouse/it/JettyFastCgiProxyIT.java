package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyFastCgiProxyIT extends FastCgiProxyContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
