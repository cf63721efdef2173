package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyPhpCgiIT extends PhpCgiContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
