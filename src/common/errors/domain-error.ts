/**
 * Base of every capability's own exception. Services throw only these; the problem filter maps
 * each capability's codes to HTTP statuses. `detail` goes to the caller, so it never holds
 * personal data or secrets.
 */
export abstract class DomainError<Code extends string = string> extends Error {
  protected constructor(
    readonly code: Code,
    readonly detail: string,
    readonly errors?: Array<{ field?: string; message: string }>,
  ) {
    super(detail);
    this.name = new.target.name;
  }

  /** The HTTP status for this error's code; each capability maps its codes exhaustively. */
  abstract get status(): number;

  /** What the problem body shows; never more than code, detail and field messages. */
  toProblemFields(): {
    status: number;
    code: string;
    detail: string;
    errors?: Array<{ field?: string; message: string }>;
  } {
    return { status: this.status, code: this.code, detail: this.detail, errors: this.errors };
  }
}
