package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatCgiSlowClientIT extends CgiSlowClientContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
