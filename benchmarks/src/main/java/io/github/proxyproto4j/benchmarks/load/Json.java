package io.github.proxyproto4j.benchmarks.load;

import java.util.Locale;

/** Just enough of a JSON writer for the results file: objects, arrays, strings and numbers, indented. */
final class Json {
    private final StringBuilder out = new StringBuilder();
    private int depth;
    private boolean first = true;

    Json begin() {
        return open('{');
    }

    Json begin(String name) {
        return key(name).open('{');
    }

    Json end() {
        return close('}');
    }

    Json array(String name) {
        return key(name).open('[');
    }

    Json arrayObject() {
        return element().open('{');
    }

    Json endArray() {
        return close(']');
    }

    Json field(String name, String value) {
        key(name);
        string(value);
        return this;
    }

    Json field(String name, double value) {
        key(name);
        out.append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.6g", value).trim() : "null");
        return this;
    }

    Json field(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    Json field(String name, boolean value) {
        key(name);
        out.append(value);
        return this;
    }

    Json stringElement(String value) {
        element();
        string(value);
        return this;
    }

    @Override
    public String toString() {
        return out.toString() + "\n";
    }

    private Json open(char c) {
        out.append(c);
        depth++;
        first = true;
        return this;
    }

    private Json close(char c) {
        depth--;
        if (!first) {
            newline();
        }
        out.append(c);
        first = false;
        return this;
    }

    private Json key(String name) {
        element();
        string(name);
        out.append(": ");
        return this;
    }

    private Json element() {
        if (!first) {
            out.append(',');
        }
        if (depth > 0) {
            newline();
        }
        first = false;
        return this;
    }

    private void newline() {
        out.append('\n');
        out.append("  ".repeat(depth));
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
