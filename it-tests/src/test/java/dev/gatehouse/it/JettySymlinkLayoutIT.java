package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettySymlinkLayoutIT extends SymlinkLayoutContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
