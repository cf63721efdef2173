package dev.gatehouse.fastcgi.mapping;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatehouse.cgi.meta.ScriptLocation;
import org.junit.jupiter.api.Test;

/** What a script route requires of its location, beyond what CGI's use of the type does. */
class RouteTest {

    @Test
    void aScriptFileGoesWithADocumentRoot() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new Route.Script(new ScriptLocation("/x.php", "", null, "/srv/www/x.php", null, "/x.php")));
        assertEquals("a script file goes with a document root: /srv/www/x.php, null", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new Route.Script(new ScriptLocation("/app", "/a", null, null, "/srv/www", "/app/a")));
        assertDoesNotThrow(() -> new Route.Script(new ScriptLocation("/app", "/a", null, null, null, "/app/a")));
    }

    @Test
    void aScriptRouteNamesItsDocumentUri() {
        NullPointerException e = assertThrows(
                NullPointerException.class,
                () -> new Route.Script(new ScriptLocation("/x.php", "", null, "/srv/www/x.php", "/srv/www")));
        assertEquals("documentUri", e.getMessage());
    }
}
