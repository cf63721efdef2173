package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyFastCgiAuthorizerIT extends FastCgiAuthorizerContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
