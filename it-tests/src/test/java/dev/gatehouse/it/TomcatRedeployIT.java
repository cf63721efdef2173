package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatRedeployIT extends RedeployContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
