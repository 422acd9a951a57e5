/** A refused request on levels, shifts, phone calls or reports: HTTP status, a code and a Vietnamese message. */
export class ReportsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}
