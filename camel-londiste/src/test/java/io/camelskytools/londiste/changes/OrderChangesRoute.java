package io.camelskytools.londiste.changes;

import org.apache.camel.builder.RouteBuilder;

/** The Java example of docs/londiste-changes.md, run by LondisteChangesRoutesTest. */
public class OrderChangesRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("londiste:changes?queue=shop&consumer=order_feed&dataSource=#node&tables=public.orders&format=json")
                .routeId("order-changes")
                .setHeader("kafka.KEY", simple("${header.CamelLondisteTable}:${header.CamelLondisteKey[id]}"))
                .to("seda:order-changes");
    }
}
