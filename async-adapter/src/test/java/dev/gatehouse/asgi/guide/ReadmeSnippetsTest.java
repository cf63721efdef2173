package dev.gatehouse.asgi.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.AsgiApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every code block of the README's async guide is quoted from a file of this module that is
 * compiled and tested: each block marked {@code <!-- quoted from PATH ... -->} must appear in PATH
 * as a run of whole lines (indentation aside), so the README cannot drift from code that works.
 */
class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern QUOTED =
            Pattern.compile("<!-- quoted from (\\S+): [^>]*-->\\n```\\w*\\n(.*?)\\n```", Pattern.DOTALL);

    @Test
    void everyQuotedBlockIsInItsFile() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = QUOTED.matcher(readme);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            Path source = ROOT.resolve(m.group(1));
            List<String> file = stripped(Files.readString(source));
            List<String> block = stripped(m.group(2));
            assertTrue(
                    Collections.indexOfSubList(file, block) >= 0,
                    "the README's block quoted from " + m.group(1) + " is not in that file as it stands:\n"
                            + m.group(2));
        }
        assertEquals(6, blocks, "quoted blocks in the README's async guide");
    }

    @Test
    void theWebXmlMappingNamesAnApplicationThatLoads() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder()
                .parse(ROOT.resolve("async-adapter/src/test/resources/guide/web.xml")
                        .toFile());
        NodeList params = doc.getElementsByTagNameNS("*", "init-param");
        assertEquals(1, params.getLength());
        Element param = (Element) params.item(0);
        assertEquals("application", text(param, "param-name"));
        Class<?> app = Class.forName(text(param, "param-value"));
        assertTrue(AsgiApplication.class.isAssignableFrom(app));
        app.getConstructor().newInstance(); // AsgiServlet needs a public no-argument constructor
    }

    private static String text(Element parent, String name) {
        return parent.getElementsByTagNameNS("*", name).item(0).getTextContent().strip();
    }

    private static List<String> stripped(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(line.strip());
        }
        return lines;
    }
}
