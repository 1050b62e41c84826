// Errors the API's use cases throw; the HTTP layer maps them to status codes. Each names the
// request field at fault, so a 400 says which field to fix.
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** The planner replica serving this API is not leading (its state is not built): try the leader. */
export class NotLeadingError extends Error {
  override readonly name = 'NotLeadingError';
  constructor() {
    super('this planner replica is standing by and has no planner state yet; ask the leading replica');
  }
}
