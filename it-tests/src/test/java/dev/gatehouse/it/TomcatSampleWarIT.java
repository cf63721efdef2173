package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

class TomcatSampleWarIT extends SampleWarContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }
}
