package dev.gatehouse.servlet.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathDenialTest {

    /** What Debian's Apache configuration of DokuWiki denies, and two file patterns. */
    private static final PathDenial DOKUWIKI = PathDenial.parse("/bin/, /data/ /conf/,/inc/ vendor/ *.ini composer.*");

    @ParameterizedTest(name = "{0} refused by {1}")
    @CsvSource({
        "/bin, /bin/",
        "/bin/, /bin/",
        "/bin/dwpage.php, /bin/",
        "/bin/dwpage.php/extra/path, /bin/",
        "/BIN/dwpage.php, /bin/",
        "/Data/pages/start.txt, /data/",
        "/conf/local.php, /conf/",
        "//conf//local.php, /conf/",
        "/lib/plugins/x/vendor/autoload.php, vendor/",
        "/vendor, vendor/",
        "/php.ini, *.ini",
        "/conf.d/extra.INI, *.ini",
        "/lib/composer.json, composer.*",
        "/x.ini/pathinfo, *.ini",
    })
    void refused(String path, String pattern) {
        assertEquals(pattern, DOKUWIKI.refusing(path));
    }

    @ParameterizedTest
    @CsvSource({
        "/",
        "/doku.php",
        "/lib/exe/css.php",
        "/lib/bin/x",
        "/binary/x",
        "/my-bin/x",
        "/data.txt",
        "/lib/tpl/dokuwiki/images/logo.png",
        "/ini",
        "/x.ini.bak",
        "/vendors/x",
        "/composer",
    })
    void served(String path) {
        assertNull(DOKUWIKI.refusing(path));
    }

    @Test
    void aStarMatchesWithinOneSegmentOnly() {
        PathDenial d = PathDenial.parse("/a*/b");
        assertEquals("/a*/b", d.refusing("/abc/b/c"));
        assertNull(d.refusing("/a/x/b"));
        assertTrue(PathDenial.glob("*a*b*", "xaxxbx"));
        assertTrue(PathDenial.glob("a*", "a"));
        assertTrue(!PathDenial.glob("a*c", "abcd"));
    }

    @Test
    void blankIsNone() {
        assertSame(PathDenial.NONE, PathDenial.parse(null));
        assertSame(PathDenial.NONE, PathDenial.parse("  "));
        assertNull(PathDenial.NONE.refusing("/bin/x"));
        assertTrue(PathDenial.NONE.isEmpty());
    }

    @Test
    void patternsThatWouldRefuseEverythingOrClimbAreRejected() {
        assertEquals(
                "pattern / names no path (it would refuse everything)",
                assertThrows(IllegalArgumentException.class, () -> PathDenial.parse("/bin/, /"))
                        .getMessage());
        assertEquals(
                "pattern /a/../b: no . or .. segments",
                assertThrows(IllegalArgumentException.class, () -> PathDenial.parse("/a/../b"))
                        .getMessage());
    }
}
