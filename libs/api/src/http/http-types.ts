// The few parts of Express's request and response the API touches (@types/express is not a
// dependency; these match Express 5's objects as Nest hands them over).
export interface HttpRequest {
  readonly method: string;
  readonly headers: { readonly authorization?: string | undefined };
}

export interface HttpResponse {
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  json(body: unknown): HttpResponse;
  send(body: string): HttpResponse;
}
