package dev.terminus.controlplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.terminus.controlplane.api.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Prints answers as aligned tables and key-value lines for people, or as the API's JSON with {@code --output json}. */
final class Output {

    /** Names the output formats. */
    enum Format { table, json }

    private final Format format;
    private final PrintWriter out;

    Output(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    /** Returns whether JSON was asked for. */
    boolean json() {
        return format == Format.json;
    }

    /** Prints {@code answer} as indented JSON. */
    void printJson(JsonNode answer) {
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** Prints {@code answer} as JSON, or {@code human} for people. */
    void print(JsonNode answer, Runnable human) {
        if (json()) {
            printJson(answer);
        } else {
            human.run();
            out.flush();
        }
    }

    /** Prints one line for people. */
    void line(String text) {
        out.println(text);
    }

    /** Prints the array {@code items} as a table: one column per header, values taken by {@code cells}. */
    void table(List<String> headers, JsonNode items, Function<JsonNode, List<String>> cells) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(headers);
        items.forEach(item -> rows.add(cells.apply(item)));
        int[] widths = new int[headers.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Prints {@code object}'s fields as {@code name: value} lines, nested objects and arrays flattened to text. */
    void fields(JsonNode object) {
        int width = 0;
        for (var names = object.fieldNames(); names.hasNext(); ) {
            width = Math.max(width, names.next().length());
        }
        int pad = width + 2;
        object.properties().forEach(field -> out.println(String.format("%-" + pad + "s%s", field.getKey() + ":",
                text(field.getValue()))));
    }

    /** Returns a JSON value as plain text: strings unquoted, arrays comma-joined, missing as "-". */
    static String text(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "-";
        }
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(text(v)));
            return parts.isEmpty() ? "-" : String.join(", ", parts);
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
