import type { ErrorDetail } from './http/error-body.js';

/**
 * The root a service built on the kit gives its own errors (and the kit's own, ServiceKitError): a
 * code from the service's closed `const` list, which types `Code`, and a message that says what to
 * fix. Callers narrow on the class or the code, never on the message.
 */
export class ServiceError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A request the service answers itself: this HTTP status, in the documented error shape
 * (`errorBody`), with `details` naming each field a validation error is about.
 */
export class ServiceRequestError<Code extends string> extends ServiceError<Code> {
  constructor(
    readonly status: number,
    code: Code,
    message: string,
    readonly details?: readonly ErrorDetail[],
  ) {
    super(code, message);
  }
}
