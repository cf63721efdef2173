package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatPerlPythonCgiIT extends PerlPythonCgiContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
