package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatMalformedBodyIT extends MalformedBodyContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
