package dev.gatehouse.it.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * What users of the published artifacts rely on, read from the POMs as they stand: the BOM stands
 * alone (an imported BOM brings its whole effective dependencyManagement, so with the project
 * parent it would push Jetty, Tomcat and JUnit versions into users' builds), it manages exactly the
 * jar modules that are deployed, at the project version, and it repeats the root pom's publication
 * metadata, deploy guard and plugin versions unchanged; every plugin jar carries the unmodified
 * Apache License 2.0; the README's BOM import names the project's version.
 */
class PublicationPomsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** SHA-256 of the Apache License 2.0 text as the ASF publishes it (LICENSE-2.0.txt). */
    private static final String APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30";

    private static final XPath XPATH = XPathFactory.newInstance().newXPath();

    @Test
    void bomStandsAloneWithTheProjectsCoordinates() throws Exception {
        Document root = pom(ROOT.resolve("pom.xml"));
        Document bom = pom(ROOT.resolve("bom/pom.xml"));
        assertFalse(has(bom, "/project/parent"), "the BOM must not inherit gatehouse-parent's dependencyManagement");
        assertEquals("gatehouse-bom", text(bom, "/project/artifactId"));
        assertEquals("pom", text(bom, "/project/packaging"));
        assertEquals(text(root, "/project/groupId"), text(bom, "/project/groupId"));
        assertEquals(text(root, "/project/version"), text(bom, "/project/version"), "one version for all");
        assertTrue(modules(root).contains("bom"), "the BOM is built, and released, with the rest: " + modules(root));
    }

    @Test
    void bomManagesExactlyTheDeployedJarsAtTheProjectVersion() throws Exception {
        Document bom = pom(ROOT.resolve("bom/pom.xml"));
        List<String> managed = new ArrayList<>();
        for (Element dependency : elements(bom, "/project/dependencyManagement/dependencies/dependency")) {
            assertEquals("dev.gatehouse", text(dependency, "groupId"));
            assertEquals("${project.version}", text(dependency, "version"), text(dependency, "artifactId"));
            assertFalse(has(dependency, "scope") || has(dependency, "type") || has(dependency, "classifier"));
            managed.add(text(dependency, "artifactId"));
        }
        List<String> deployedJars = new ArrayList<>();
        for (String module : modules(pom(ROOT.resolve("pom.xml")))) {
            Document pom = pom(ROOT.resolve(module).resolve("pom.xml"));
            boolean jar = !has(pom, "/project/packaging")
                    || text(pom, "/project/packaging").equals("jar");
            boolean deployed = !XPATH.evaluate("/project/properties/maven.deploy.skip", pom)
                    .strip()
                    .equals("true");
            if (jar && deployed) {
                deployedJars.add(text(pom, "/project/artifactId"));
            }
        }
        assertEquals(
                List.of(
                        "gatehouse-cgi-meta",
                        "gatehouse-servlet-support",
                        "gatehouse-cgi-servlet",
                        "gatehouse-async-adapter",
                        "gatehouse-fastcgi-proxy-servlet"),
                deployedJars,
                "the plugin modules (a new one belongs in the BOM too)");
        assertEquals(deployedJars, managed);
    }

    @Test
    void bomRepeatsTheRootsPublicationMetadataAndDeployGuard() throws Exception {
        Document root = pom(ROOT.resolve("pom.xml"));
        Document bom = pom(ROOT.resolve("bom/pom.xml"));
        for (String element : List.of("url", "inceptionYear", "licenses", "developers", "scm")) {
            assertTrue(has(root, "/project/" + element), element);
            assertEquals(
                    content(node(root, "/project/" + element)), content(node(bom, "/project/" + element)), element);
        }
        assertEquals(gatehouseProperties(root), gatehouseProperties(bom));
        assertEquals(4, gatehouseProperties(root).size(), "site url and three scm properties");
        String rules =
                "/project/profiles/profile[id='release']/build/plugins/plugin[artifactId='maven-enforcer-plugin']"
                        + "/executions/execution[id='require-publication-metadata']";
        assertEquals(content(node(root, rules)), content(node(bom, rules)));
    }

    @Test
    void bomPinsThePluginVersionsTheRootPins() throws Exception {
        Document root = pom(ROOT.resolve("pom.xml"));
        Document bom = pom(ROOT.resolve("bom/pom.xml"));
        List<Element> pinned = elements(bom, "/project/build/pluginManagement/plugins/plugin");
        assertFalse(pinned.isEmpty());
        for (Element plugin : pinned) {
            String artifactId = text(plugin, "artifactId");
            String inRoot = text(
                    root, "/project/build/pluginManagement/plugins/plugin[artifactId='" + artifactId + "']/version");
            assertEquals(inRoot, text(plugin, "version"), artifactId);
        }
    }

    @Test
    void licenceIsTheApacheLicenseUnmodifiedAndEveryPluginJarCarriesIt() throws Exception {
        byte[] licence = Files.readAllBytes(ROOT.resolve("LICENSE"));
        assertEquals(
                APACHE_2_SHA256,
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(licence)));
        byte[] notice = Files.readAllBytes(ROOT.resolve("NOTICE"));
        for (String module : List.of("servlet-support", "cgi-servlet", "async-adapter", "fastcgi-proxy-servlet")) {
            // the module's build output as packed into its jar (this reactor built it before it-tests)
            Path metaInf = ROOT.resolve(module).resolve("target/classes/META-INF");
            assertTrue(Files.isDirectory(metaInf), "no " + metaInf + ": build the reactor, not it-tests alone");
            assertArrayEquals(licence, Files.readAllBytes(metaInf.resolve("LICENSE")), module);
            assertArrayEquals(notice, Files.readAllBytes(metaInf.resolve("NOTICE")), module);
        }
    }

    @Test
    void readmeImportsTheBomAtTheProjectVersion() throws Exception {
        String version = text(pom(ROOT.resolve("pom.xml")), "/project/version");
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher block = Pattern.compile("<!-- BOM import: [^>]*-->\\n```xml\\n(.*?)\\n```", Pattern.DOTALL)
                .matcher(readme);
        assertTrue(block.find(), "the README's BOM import block");
        Element snippet = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new InputSource(new StringReader("<project>" + block.group(1) + "</project>")))
                .getDocumentElement();
        Element bom = elements(snippet, "dependencyManagement/dependencies/dependency")
                .get(0);
        assertEquals("gatehouse-bom", text(bom, "artifactId"));
        assertEquals(version, text(bom, "version"));
        List<String> managed = new ArrayList<>();
        for (Element dependency : elements(pom(ROOT.resolve("bom/pom.xml")), "//dependencyManagement//artifactId")) {
            managed.add(dependency.getTextContent().strip());
        }
        for (Element dependency : elements(snippet, "dependencies/dependency")) {
            assertTrue(managed.contains(text(dependency, "artifactId")), text(dependency, "artifactId"));
            assertFalse(has(dependency, "version"), "the BOM gives the version");
        }
        assertTrue(readme.contains("platform(\"dev.gatehouse:gatehouse-bom:" + version + "\")"), "the Gradle line");
    }

    private static Document pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static List<String> modules(Document pom) throws Exception {
        List<String> modules = new ArrayList<>();
        for (Element module : elements(pom, "/project/modules/module")) {
            modules.add(module.getTextContent().strip());
        }
        return modules;
    }

    private static Map<String, String> gatehouseProperties(Document pom) throws Exception {
        Map<String, String> properties = new TreeMap<>();
        for (Element property : elements(pom, "/project/properties/*[starts-with(name(), 'gatehouse.')]")) {
            properties.put(property.getTagName(), property.getTextContent().strip());
        }
        return properties;
    }

    private static List<Element> elements(Object context, String path) throws Exception {
        NodeList nodes = (NodeList) XPATH.evaluate(path, context, XPathConstants.NODESET);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    private static Node node(Object context, String path) throws Exception {
        Node node = (Node) XPATH.evaluate(path, context, XPathConstants.NODE);
        assertTrue(node != null, "no " + path);
        return node;
    }

    private static boolean has(Object context, String path) throws Exception {
        return XPATH.evaluate(path, context, XPathConstants.NODE) != null;
    }

    private static String text(Object context, String path) throws Exception {
        return node(context, path).getTextContent().strip();
    }

    /** Child elements and text, whitespace collapsed; comments and attributes left out. */
    private static String content(Node node) {
        StringBuilder out = new StringBuilder();
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                out.append('<').append(child.getNodeName()).append('>');
                out.append(content(child));
                out.append("</").append(child.getNodeName()).append('>');
            } else if (child.getNodeType() == Node.TEXT_NODE) {
                out.append(child.getNodeValue().strip().replaceAll("\\s+", " "));
            }
        }
        return out.toString();
    }
}
