package net.secureconnect.identity.rest;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import net.secureconnect.identity.crypto.KeyEncoding;
import net.secureconnect.identity.crypto.MlKem768;
import net.secureconnect.identity.model.Limits;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An ML-KEM-768 encapsulation key: the key encoding, and FIPS 203's modulus check on its coefficients. */
@Documented
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = KemEncapsulationKey.Validator.class)
public @interface KemEncapsulationKey {

    String message() default "must be standard base64 with padding of a well-formed "
            + Limits.KEM_PUBLIC_KEY_BYTES + "-byte ML-KEM-768 encapsulation key";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<KemEncapsulationKey, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || KeyEncoding.decode(value, Limits.KEM_PUBLIC_KEY_BYTES)
                    .filter(MlKem768::isWellFormedEncapsulationKey).isPresent();
        }
    }
}
