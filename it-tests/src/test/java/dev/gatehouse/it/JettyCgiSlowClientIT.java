package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyCgiSlowClientIT extends CgiSlowClientContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
