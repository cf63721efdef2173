package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatOperabilityIT extends OperabilityContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
