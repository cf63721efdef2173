package dev.gatehouse.it;

import dev.gatehouse.it.support.ServletContainer;

/** The sample WAR served from inside the archive: scripts are copied to the context's temp dir. */
class TomcatPackedSampleWarIT extends SampleWarContract {
    @Override
    ServletContainer.Kind kind() {
        return ServletContainer.Kind.TOMCAT;
    }

    @Override
    boolean unpack() {
        return false;
    }
}
