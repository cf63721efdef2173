package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.ServletContainer;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: every Gatehouse MBean is registered on init and unregistered on destroy, and nothing of
 * an undeployed web application stays reachable. The sample WAR (CGI, FastCGI with a managed
 * php-fpm, four ASGI servlets, the status page) is deployed and undeployed 20 times; each time its
 * MBeans are there while it runs, named for its context, and gone after; at the end the web
 * application class loaders (each MBean's, as the MBeanServer reports it) must all be
 * collectable, the last one too: without {@code JreLeaks} the JDK 17 record bootstrap kept the
 * last deployment's loader, and a process reaper thread the first one's. One deployment comes
 * first, untracked: the first web application of a JVM may be pinned by what the JDK initializes
 * once on first use (the leaks Tomcat's JreMemoryLeakPreventionListener exists for).
 */
abstract class RedeployContract {

    static final int ROUNDS = 20;
    static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    abstract ServletContainer.Kind kind();

    @Test
    void twentyRedeploysLeaveNoMBeanAndNoClassLoader() throws Exception {
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        round(-1); // untracked, see above
        for (int round = 0; round < ROUNDS; round++) {
            loaders.add(round(round));
        }
        assertEquals(Set.of(), JMX.queryNames(new ObjectName("dev.gatehouse:*"), null));
        Await.until(
                Duration.ofSeconds(60),
                () -> {
                    System.gc();
                    return loaders.stream().allMatch(r -> r.get() == null);
                },
                () -> "web application class loaders still reachable, of rounds "
                        + IntStream.range(0, ROUNDS)
                                .filter(i -> loaders.get(i).get() != null)
                                .boxed()
                                .toList());
    }

    /**
     * Deploys, checks the MBeans, undeploys, checks they are gone; returns the web application's
     * class loader, weakly. A method of its own, so that no local variable of the test's frame
     * holds the last deployment.
     */
    private WeakReference<ClassLoader> round(int round) throws Exception {
        ObjectName ours = new ObjectName("dev.gatehouse:context=/sample,*");
        ObjectName cgi = new ObjectName("dev.gatehouse:type=CgiServlet,context=/sample,name=cgi");
        WeakReference<ClassLoader> loader;
        try (ServletContainer container = ServletContainer.war(kind(), ServletContainer.sampleWar(), "/sample")) {
            HttpResponse<String> status = HTTP.send(
                    HttpRequest.newBuilder(container.uri("status?format=json"))
                            .timeout(Await.LIMIT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("\"type\":\"CgiServlet\""), status.body());
            assertTrue(JMX.isRegistered(cgi), "round " + round + ": no " + cgi);
            assertNotSame(getClass().getClassLoader(), JMX.getClassLoaderFor(cgi), "the bean must be the web app's");
            loader = new WeakReference<>(JMX.getClassLoaderFor(cgi));
            assertTrue(JMX.queryNames(ours, null).size() >= 7, () -> "round: " + JMX.queryNames(ours, null));
        }
        assertEquals(Set.of(), JMX.queryNames(ours, null), "round " + round + ": MBeans left after undeploy");
        return loader;
    }
}
