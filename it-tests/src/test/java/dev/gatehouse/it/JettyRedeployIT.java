package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyRedeployIT extends RedeployContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
