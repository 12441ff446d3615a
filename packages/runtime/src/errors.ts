/** A setting is missing or unusable: fails the start, naming the variable (never its value when secret). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The environment variable at fault (or the flag that set it). */
    readonly variable: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
