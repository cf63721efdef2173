package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyPhpApplicationIT extends PhpApplicationContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
