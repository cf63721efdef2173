package dev.gatehouse.it.support;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs {@code LeakGuardIT} after every other test class, keeping the others in the order the
 * engine gave them. Configured in {@code junit-platform.properties}.
 */
public final class LeakGuardLast implements ClassOrderer {

    static final String GUARD = "dev.gatehouse.it.LeakGuardIT";

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors()
                .sort(Comparator.comparing(d -> d.getTestClass().getName().equals(GUARD)));
    }
}
