package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatAsgiHttpIT extends AsgiHttpContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
