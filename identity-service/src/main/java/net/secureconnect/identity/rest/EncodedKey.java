package net.secureconnect.identity.rest;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import net.secureconnect.identity.crypto.KeyEncoding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A key or signature in its one wire form: canonical padded standard base64 of exactly {@link #bytes()} bytes. */
@Documented
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = EncodedKey.Validator.class)
public @interface EncodedKey {

    int bytes();

    String message() default "must be standard base64 with padding of exactly {bytes} bytes";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<EncodedKey, String> {
        private int bytes;

        @Override
        public void initialize(EncodedKey annotation) {
            bytes = annotation.bytes();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || KeyEncoding.decode(value, bytes).isPresent();
        }
    }
}
