package dev.gatehouse.sample.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The entry point of {@code java -jar gatehouse-sample.war}. It sits at the root of the WAR,
 * where no servlet container looks for classes, and depends on the JDK alone: it extracts the
 * embedded Jetty jars from {@code WEB-INF/runner/} into a temporary directory, puts them on a
 * class loader together with the WAR itself, and calls {@link JettyLauncher} through it.
 */
public final class Bootstrap {

    private static final String RUNNER = "WEB-INF/runner/";

    private Bootstrap() {}

    public static void main(String[] args) throws Exception {
        // Java 17 spawns processes twice as fast with vfork as with posix_spawn; later JDKs
        // drop the option, and an explicit -D setting wins.
        if (Runtime.version().feature() < 22 && System.getProperty("jdk.lang.Process.launchMechanism") == null) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        Path war = Path.of(Bootstrap.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path lib = Files.createTempDirectory("gatehouse-runner-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(lib)));
        List<URL> urls = new ArrayList<>();
        urls.add(war.toUri().toURL());
        try (JarFile jar = new JarFile(war.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.startsWith(RUNNER) && name.endsWith(".jar") && name.indexOf('/', RUNNER.length()) < 0) {
                    Path target = lib.resolve(name.substring(RUNNER.length()));
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    urls.add(target.toUri().toURL());
                }
            }
        }
        if (urls.size() == 1) {
            throw new IllegalStateException(war + " has no " + RUNNER + "*.jar: not an executable WAR build");
        }
        ClassLoader loader =
                new URLClassLoader("gatehouse-runner", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Class<?> launcher = loader.loadClass(Bootstrap.class.getPackageName() + ".JettyLauncher");
        Method main = launcher.getMethod("run", Path.class, String[].class);
        main.invoke(null, war, args);
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
