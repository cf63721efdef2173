package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatPhpCgiIT extends PhpCgiContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
