package io.github.proxyproto4j.interop.slowloris;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/** Writes maps, lists, strings, numbers and booleans as JSON: enough for the results file, no library needed. */
final class Json {
    private Json() {
    }

    /**
     * @param value a Map with String keys, a Collection, a String, a Number, a Boolean or null
     * @return its JSON text, indented
     */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object v, StringBuilder out, String indent) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Map<?, ?> m) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                out.append('\n').append(indent).append("  ");
                string(String.valueOf(e.getKey()), out);
                out.append(": ");
                write(e.getValue(), out, indent + "  ");
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            out.append(m.isEmpty() ? "" : "\n" + indent).append('}');
        } else if (v instanceof Collection<?> c) {
            out.append('[');
            Iterator<?> it = c.iterator();
            while (it.hasNext()) {
                write(it.next(), out, indent + "  ");
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            out.append(']');
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            out.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            out.append(v);
        } else {
            string(v.toString(), out);
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
