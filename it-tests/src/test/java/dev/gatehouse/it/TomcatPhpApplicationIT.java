package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatPhpApplicationIT extends PhpApplicationContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
