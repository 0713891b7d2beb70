package io.camelskytools.pgq;

/** Whether Micrometer is on the classpath; checked before PgqMetrics (which needs it) is touched. */
final class MicrometerPresence {

    static final boolean PRESENT = present();

    private MicrometerPresence() {
    }

    private static boolean present() {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry", false, MicrometerPresence.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
