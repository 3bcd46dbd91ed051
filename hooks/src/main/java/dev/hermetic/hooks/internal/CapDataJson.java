package dev.hermetic.hooks.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.hermetic.hooks.CapData;
import dev.hermetic.hooks.HookException;
import dev.hermetic.hooks.HookStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The capdata wire form, read with a streaming parser so hostile input costs one pass. */
public final class CapDataJson {
    /** Rejects duplicate keys, so a body cannot be given twice with the last one winning. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private CapDataJson() {}

    public static String write(CapData data) {
        StringBuilder out = new StringBuilder(data.body().length() + 32);
        out.append("{\"body\":");
        JsJson.appendString(out, data.body());
        out.append(",\"slots\":[");
        for (int i = 0; i < data.slots().size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            JsJson.appendString(out, data.slots().get(i));
        }
        return out.append("]}").toString();
    }

    public static CapData read(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, "capdata must be a JSON object");
            String body = null;
            List<String> slots = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("body")) {
                    expect(value == JsonToken.VALUE_STRING, "capdata body must be a string");
                    body = p.getText();
                } else if (field.equals("slots")) {
                    expect(value == JsonToken.START_ARRAY, "capdata slots must be an array");
                    slots = new ArrayList<>();
                    while (p.nextToken() == JsonToken.VALUE_STRING) {
                        slots.add(p.getText());
                    }
                    expect(p.currentToken() == JsonToken.END_ARRAY, "capdata slots must be strings");
                } else {
                    throw new HookException(HookStatus.INVALID_ARGS, "unexpected capdata field " + field);
                }
            }
            expect(body != null && slots != null, "capdata needs both body and slots");
            expect(p.nextToken() == null, "trailing content after capdata");
            return new CapData(body, slots);
        } catch (IOException e) {
            throw new HookException(HookStatus.INVALID_ARGS, "malformed capdata JSON: " + e.getMessage(), e);
        }
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new HookException(HookStatus.INVALID_ARGS, message);
        }
    }
}
