import type { FastifyRequest } from 'fastify';

/**
 * Where the client reached this server — scheme, host and port, as it asked — for the absolute
 * URLs an answer carries (FHIR fullUrls and Locations, CDS Hooks card links), so they work
 * behind whatever name the client used.
 */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}
