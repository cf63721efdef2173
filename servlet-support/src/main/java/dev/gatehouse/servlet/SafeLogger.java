package dev.gatehouse.servlet;

import java.lang.System.Logger;
import java.util.ResourceBundle;

/**
 * A {@link System.Logger} for lines that carry what a client chose — a request URI, a script
 * name, a header, a message built from a path — which escapes control characters in them, so a
 * request for {@code /x%0aSEVERE:%20FORGED} cannot write a line of its own into the container's
 * log (CWE-117). Every bridge logs through one of these; each container still routes the lines
 * its own way.
 *
 * <p>Escaped: every parameter but numbers and booleans (their formatting is kept), and a message
 * logged without parameters (the {@code Throwable} and plain forms), which callers build by
 * concatenation. A format with parameters is the caller's constant and stays as it is.
 */
public final class SafeLogger implements Logger {

    private final Logger delegate;

    private SafeLogger(Logger delegate) {
        this.delegate = delegate;
    }

    /** The logger {@code name}, escaping what it is given. */
    public static Logger of(String name) {
        return new SafeLogger(System.getLogger(name));
    }

    /**
     * {@code text} with each control character (C0, DEL, C1) written as {@code \xNN}, except
     * {@code \t}, {@code \n} and {@code \r} as themselves escaped, and a backslash doubled, so
     * an escaped line reads back unambiguously. The same instance when there is nothing to escape.
     */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && !needsEscape(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (needsEscape(c)) {
                        out.append("\\x")
                                .append(Character.forDigit(c >> 4 & 0xf, 16))
                                .append(Character.forDigit(c & 0xf, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Whether {@code s} holds a control character (C0, DEL or C1): none belongs in a decoded path. */
    public static boolean hasControl(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' && needsEscape(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '\\' || c >= 0x7f && c <= 0x9f;
    }

    @Override
    public String getName() {
        return delegate.getName();
    }

    @Override
    public boolean isLoggable(Level level) {
        return delegate.isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (delegate.isLoggable(level)) {
            delegate.log(level, bundle, escape(msg), thrown);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (!delegate.isLoggable(level)) {
            return;
        }
        if (params == null || params.length == 0) {
            delegate.log(level, bundle, escape(format), params); // a whole message: log(level, msg)
            return;
        }
        Object[] safe = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            safe[i] = p == null || p instanceof Number || p instanceof Boolean ? p : escape(String.valueOf(p));
        }
        delegate.log(level, bundle, format, safe);
    }
}
