package io.etcdmp.config;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Narrows a {@link ConfigChangeEvent} observer to the properties whose name starts with {@link #value()}:
 * {@code void onDb(@Observes @ConfigChanged("db.") ConfigChangeEvent event)} is called only for events
 * that change a {@code db.*} property, and the event it gets holds only those changes. {@code ""} means
 * every property. Observers without it get every event, whole.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.TYPE})
public @interface ConfigChanged {
    /** The property-name prefix, matched as a plain string ({@code "db."} matches {@code db.url}, not {@code dbx}). */
    String value() default "";

    /** The annotation as a value, for code that fires or selects events by prefix. */
    final class Literal extends AnnotationLiteral<ConfigChanged> implements ConfigChanged {
        private static final long serialVersionUID = 1L;
        private final String value;

        public Literal(String value) {
            this.value = value;
        }

        @Override
        public String value() {
            return value;
        }
    }
}
