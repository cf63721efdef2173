package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatWsgiApplicationIT extends WsgiApplicationContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
