package io.camelskytools.runtime.status;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/** A health check that is UP while the last read of a stats route found no problem. */
final class ProblemHealthCheck implements HealthCheck {

    private final String group;
    private final String id;
    private final Supplier<String> problem;
    private final Supplier<Map<String, Object>> details;
    private boolean enabled = true;

    ProblemHealthCheck(String group, String id, Supplier<String> problem, Supplier<Map<String, Object>> details) {
        this.group = group;
        this.id = id;
        this.problem = problem;
        this.details = details;
    }

    @Override
    public String getGroup() {
        return group;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public Result call(Map<String, Object> options) {
        HealthCheckResultBuilder r = HealthCheckResultBuilder.on(this).details(details.get());
        String p = problem.get();
        return (p == null ? r.up() : r.down().message(p)).build();
    }
}
