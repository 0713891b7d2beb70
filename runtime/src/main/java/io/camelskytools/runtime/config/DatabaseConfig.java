package io.camelskytools.runtime.config;

import io.camelskytools.jdbc.JdbcUrls;

/** One configured database. The password never shows in toString. */
public record DatabaseConfig(String name, String url, String user, String password) {

    /** Registry name of its DataSource in the running application. */
    public String beanName() {
        return "db-" + name;
    }

    @Override
    public String toString() {
        return name + " " + JdbcUrls.mask(url) + (user == null ? "" : " as " + user);
    }
}
