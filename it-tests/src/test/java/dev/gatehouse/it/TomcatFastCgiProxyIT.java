package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatFastCgiProxyIT extends FastCgiProxyContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
