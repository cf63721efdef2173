package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatTypedApiIT extends TypedApiContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
