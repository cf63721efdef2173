package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyGitSmartHttpIT extends GitSmartHttpContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
