package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class JettyCgiBehaviourIT extends CgiBehaviourContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.JETTY;
    }
}
