package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatManagedBackendIT extends ManagedBackendContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
