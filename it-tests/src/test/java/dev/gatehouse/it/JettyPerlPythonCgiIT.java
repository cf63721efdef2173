package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyPerlPythonCgiIT extends PerlPythonCgiContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
