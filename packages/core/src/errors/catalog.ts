/**
 * One catalog of error codes (after Fastify's lib/errors.js): each has a stable code,
 * a message template and the HTTP status it maps to at the edge. The FHIR
 * OperationOutcome issue type and the CLI exit code are derived from it there.
 */
export const ERRORS = {
  UNAUTHENTICATED: { status: 401, issue: 'login', message: 'Authentication required: %s' },
  FORBIDDEN: { status: 403, issue: 'forbidden', message: 'Not allowed: %s' },
  NOT_FOUND: { status: 404, issue: 'not-found', message: '%s not found' },
  INVALID_REQUEST: { status: 400, issue: 'invalid', message: 'Invalid request: %s' },
  UNSUPPORTED_MEDIA: { status: 415, issue: 'not-supported', message: 'Unsupported content type: %s' },
  X12_REJECTED: { status: 400, issue: 'invalid', message: 'X12 interchange rejected: %s' },
  CONFLICT: { status: 409, issue: 'conflict', message: 'Conflict: %s' },
  TOO_MANY_REQUESTS: { status: 429, issue: 'throttled', message: 'Too many requests: %s' },
  DATABASE_BUSY: { status: 503, issue: 'transient', message: '%s' },
  INTERNAL: { status: 500, issue: 'exception', message: 'Internal error: %s' },
} as const;
export type ErrorCode = keyof typeof ERRORS;

export class TandemError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issueType: string;
  /** FHIRPath expressions of the defects, when the error is about parts of a FHIR resource. */
  readonly expression: readonly string[] | undefined;
  constructor(code: ErrorCode, detail: string, expression?: readonly string[]) {
    const def = ERRORS[code];
    super(def.message.replace('%s', detail));
    this.code = code;
    this.status = def.status;
    this.issueType = def.issue;
    this.expression = expression;
  }
}
