export declare const MIN_SECRET_LENGTH: 8;
export declare const RECOMMENDED_SECRET_LENGTH: 16;

export interface SecretEntry {
  /** Position in the list (0: the current secret). */
  readonly index: number;
  readonly length: number;
}

export interface SecretCheck {
  /** The secrets that may verify deliveries, in their order. */
  readonly usable: readonly string[];
  /** Entries shorter than MIN_SECRET_LENGTH: never used. */
  readonly refused: readonly SecretEntry[];
  /** Usable entries shorter than RECOMMENDED_SECRET_LENGTH. */
  readonly weak: readonly SecretEntry[];
}

export declare function splitSecretList(value: string): string[];
export declare function checkSecrets(secrets: readonly string[]): SecretCheck;
export declare function describeRefused(source: string, refused: readonly SecretEntry[]): string;
export declare function describeWeak(entry: SecretEntry): string;
