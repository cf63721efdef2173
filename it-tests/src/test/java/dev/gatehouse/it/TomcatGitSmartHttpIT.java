package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatGitSmartHttpIT extends GitSmartHttpContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
