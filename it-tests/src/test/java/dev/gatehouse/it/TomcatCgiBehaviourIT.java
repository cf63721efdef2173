package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatCgiBehaviourIT extends CgiBehaviourContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
