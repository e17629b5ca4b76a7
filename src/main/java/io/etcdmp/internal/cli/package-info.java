/**
 * The seam of the {@code etcdmp} tool (module {@code cli/}: its commands and its console): the one
 * {@code io.etcdmp.internal} package that module may use besides the library's API. It opens, as public
 * classes, exactly what the tool needs of the library's internals, by delegating to the code the config
 * source and the registry run, never by repeating it: how keys and documents become property names
 * ({@link io.etcdmp.internal.cli.PropertyRules}), how prefixes and documents layer for an application
 * ({@link io.etcdmp.internal.cli.Layering}), the connection settings, their names, defaults and environment
 * variables ({@link io.etcdmp.internal.cli.ToolConnection}), registry records
 * ({@link io.etcdmp.internal.cli.RegistryRecords}), and the rule for secret-looking names
 * ({@link io.etcdmp.internal.cli.SecretNames}). Free to change with the tool, like every internal package.
 */
package io.etcdmp.internal.cli;
