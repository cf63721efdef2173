package dev.gatehouse.it.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Keeps {@code ARCHITECTURE.md} true: every main package of the plugin modules is named there,
 * every package it names exists, and the module graph it draws is the one the POMs declare (the
 * three bridges never depend on one another, {@code cgi-meta} depends on nothing).
 */
class ArchitectureTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> MODULES =
            List.of("cgi-meta", "servlet-support", "cgi-servlet", "fastcgi-proxy-servlet", "async-adapter");
    private static final Pattern PACKAGE = Pattern.compile("\\bdev\\.gatehouse(?:\\.[a-z]+)+\\b");

    @Test
    void everyPackageIsDescribedAndEveryDescribedPackageExists() throws IOException {
        Set<String> actual = new TreeSet<>();
        for (String module : MODULES) {
            Path sources = ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java"))
                        .map(f -> sources.relativize(f.getParent()).toString().replace('/', '.'))
                        .forEach(actual::add);
            }
        }
        String doc = Files.readString(ROOT.resolve("ARCHITECTURE.md"));
        Set<String> named = new TreeSet<>();
        Matcher m = PACKAGE.matcher(doc);
        while (m.find()) {
            named.add(m.group());
        }
        Set<String> undescribed = new TreeSet<>(actual);
        undescribed.removeAll(named);
        assertEquals(Set.of(), undescribed, "packages ARCHITECTURE.md does not name");
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(actual);
        assertEquals(Set.of(), missing, "packages ARCHITECTURE.md names that do not exist");
    }

    @Test
    void theBridgesDependOnTheSharedModulesOnly() throws Exception {
        Map<String, Set<String>> allowed = Map.of(
                "cgi-meta", Set.of(),
                "servlet-support", Set.of("gatehouse-cgi-meta"),
                "cgi-servlet", Set.of("gatehouse-cgi-meta", "gatehouse-servlet-support"),
                "fastcgi-proxy-servlet", Set.of("gatehouse-cgi-meta", "gatehouse-servlet-support"),
                "async-adapter", Set.of("gatehouse-servlet-support"));
        for (String module : MODULES) {
            Set<String> gatehouse = new TreeSet<>();
            for (String artifact : mainDependencies(ROOT.resolve(module).resolve("pom.xml"))) {
                if (artifact.startsWith("gatehouse-")) {
                    gatehouse.add(artifact);
                }
            }
            assertEquals(allowed.get(module), gatehouse, module + "'s Gatehouse dependencies");
        }
        assertTrue(
                mainDependencies(ROOT.resolve("cgi-meta/pom.xml")).isEmpty(),
                "cgi-meta depends on nothing, not even the servlet API");
    }

    /**
     * The layers depend downwards only: a bridge's mapping, protocol, client and process packages
     * never import its servlet glue (the root package), and the ASGI contract never imports its
     * servlet bridge.
     */
    @Test
    void layersImportDownwardsOnly() throws IOException {
        record Rule(String tree, boolean checksItsRoot, String glue, String forbidden) {}
        List<Rule> rules = List.of(
                new Rule("cgi-servlet/src/main/java/dev/gatehouse/cgi", false, "", "dev\\.gatehouse\\.cgi\\.[A-Z]"),
                new Rule(
                        "fastcgi-proxy-servlet/src/main/java/dev/gatehouse/fastcgi",
                        false,
                        "",
                        "dev\\.gatehouse\\.fastcgi\\.[A-Z]"),
                new Rule(
                        "async-adapter/src/main/java/dev/gatehouse/asgi",
                        true,
                        "servlet",
                        "dev\\.gatehouse\\.asgi\\.servlet\\."));
        Set<String> offenders = new TreeSet<>();
        for (Rule rule : rules) {
            Path root = ROOT.resolve(rule.tree());
            Pattern importing = Pattern.compile("^import (static )?" + rule.forbidden(), Pattern.MULTILINE);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Path dir = root.relativize(file.getParent());
                    boolean inRoot = dir.toString().isEmpty();
                    boolean glue = inRoot
                            ? !rule.checksItsRoot()
                            : dir.startsWith(rule.glue()) && !rule.glue().isEmpty();
                    if (!glue && importing.matcher(Files.readString(file)).find()) {
                        offenders.add(ROOT.relativize(file).toString());
                    }
                }
            }
        }
        assertEquals(Set.of(), offenders, "files that import a layer above their own");
    }

    /** The artifactIds of the dependencies that are not test-scoped. */
    private static Set<String> mainDependencies(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        NodeList deps = (NodeList) XPathFactory.newInstance()
                .newXPath()
                .evaluate(
                        "/*[local-name()='project']/*[local-name()='dependencies']/*[local-name()='dependency']"
                                + "[not(*[local-name()='scope']='test')]/*[local-name()='artifactId']",
                        doc,
                        XPathConstants.NODESET);
        Set<String> artifacts = new TreeSet<>();
        for (int i = 0; i < deps.getLength(); i++) {
            artifacts.add(deps.item(i).getTextContent().strip());
        }
        return artifacts;
    }
}
