package dev.gatehouse.asgi.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.servlet.testing.ReadmeQuotes;
import java.nio.file.Path;
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

    @Test
    void everyQuotedBlockIsInItsFile() throws Exception {
        assertEquals(6, ReadmeQuotes.check(ROOT, ""), "quoted blocks in the README's async guide");
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
}
