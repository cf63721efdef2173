package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatFastCgiAuthorizerIT extends FastCgiAuthorizerContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
