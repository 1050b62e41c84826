// Definition mistakes a user can make, each with a code a tool can test and a message a person
// can act on. Thrown when the code location is defined, so a bad location never starts.

export type DefinitionErrorCode =
  | 'invalidKey'
  | 'duplicateKey'
  | 'unknownDependency'
  | 'dependencyCycle'
  | 'invalidSpec'
  | 'invalidResource';

export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
  constructor(
    readonly code: DefinitionErrorCode,
    message: string,
  ) {
    super(message);
  }
}
