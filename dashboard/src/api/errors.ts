/** API failures in plain words: problem+json `detail` and each `errors[]` entry, never a raw status line. */

export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const WHAT_STATUS_MEANS: Record<number, string> = {
  400: "The request was not understood.",
  401: "You are not signed in, or your session has ended.",
  403: "You are not allowed to do this.",
  404: "This was not found, or it is not visible to you.",
  409: "Someone changed this in the meantime. The page has the latest version now; try again.",
  413: "That is too large to send.",
  422: "Some of what you entered needs attention.",
  429: "Too many attempts. Wait a minute and try again.",
};

function meaningOf(status: number): string {
  return WHAT_STATUS_MEANS[status] ?? (status >= 500 ? "Orgo had a problem on its side. Try again in a moment." : `The request failed (${status}).`);
}

interface ProblemBody {
  detail?: unknown;
  title?: unknown;
  errors?: unknown;
}

function fieldProblems(errors: unknown): FieldProblem[] {
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is { path?: unknown; message?: unknown } => typeof e === "object" && e !== null)
    .map((e) => ({ path: typeof e.path === "string" ? e.path : "", message: typeof e.message === "string" ? e.message : "is not valid" }));
}

export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: ProblemBody = {};
  try {
    body = (await response.json()) as ProblemBody;
  } catch {
    // Not problem+json (a proxy's page, say): the status alone must do.
  }
  const detail = typeof body.detail === "string" && body.detail.trim() ? body.detail.trim() : null;
  const message = detail ? `${meaningOf(response.status)} ${capitalize(detail)}${/[.!?]$/.test(detail) ? "" : "."}` : meaningOf(response.status);
  return new ApiError(message, response.status, fieldProblems(body.errors));
}

export function networkError(): ApiError {
  return new ApiError("Orgo cannot be reached. Check your connection and try again.", 0);
}

export function plainMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong. Try again.";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
