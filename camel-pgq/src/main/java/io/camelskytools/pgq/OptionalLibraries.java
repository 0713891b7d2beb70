package io.camelskytools.pgq;

/**
 * Optional libraries the component uses when the application has them; checked before the
 * classes that need them (PgqMetrics, JsonBodies' mapper) are touched.
 */
final class OptionalLibraries {

    static final boolean MICROMETER = present("io.micrometer.core.instrument.MeterRegistry");
    static final boolean JACKSON = present("com.fasterxml.jackson.databind.ObjectMapper");

    private OptionalLibraries() {
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, OptionalLibraries.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
