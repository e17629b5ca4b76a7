/**
 * Encrypted values: {@code ${aes-gcm-nopadding::<ciphertext>}}, byte-compatible with SmallRye Config's
 * {@code aes-gcm-nopadding} secret keys handler, and the keys that decrypt them. Internal to the library.
 */
package io.etcdmp.internal.secrets;
