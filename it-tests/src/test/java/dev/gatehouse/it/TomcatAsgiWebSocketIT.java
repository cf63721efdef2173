package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatAsgiWebSocketIT extends AsgiWebSocketContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
