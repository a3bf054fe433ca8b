/**
 * The single error currency at the HTTP edge: FHIR OperationOutcome.
 * https://hl7.org/fhir/R4/operationoutcome.html
 */
import { TandemError } from '@tandem/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: Array<{ severity: 'fatal' | 'error' | 'warning' | 'information'; code: string; diagnostics: string; expression?: string[] }>;
}

export function operationOutcome(code: string, diagnostics: string, severity: 'error' | 'fatal' | 'warning' = 'error', expression?: string[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics, ...(expression ? { expression } : {}) }] };
}

export function errorHandler(error: FastifyError | TandemError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof TandemError) {
    void reply.status(error.status).type('application/fhir+json').send(operationOutcome(error.issueType, error.message, 'error', error.expression ? [...error.expression] : undefined));
    return;
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    void reply.status(400).type('application/fhir+json').send(operationOutcome('invalid', `Invalid request: ${fe.message}`));
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.statusCode === 415 ? 'not-supported' : fe.statusCode === 413 ? 'too-costly' : 'invalid';
    void reply.status(fe.statusCode).type('application/fhir+json').send(operationOutcome(code, fe.message));
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply.status(500).type('application/fhir+json').send(operationOutcome('exception', 'Internal server error; the request was not completed'));
}
