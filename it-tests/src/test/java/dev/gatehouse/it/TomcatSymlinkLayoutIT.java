package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatSymlinkLayoutIT extends SymlinkLayoutContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
