import Hummingbird

/// Makes every error answer problem+json, including the router's own (unknown path, wrong method).
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            let code = switch error.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .contentTooLarge: "too_large"
            case .badRequest: "bad_request"
            default: "http_\(error.status.code)"
            }
            throw Problem(error.status, code: code, detail: error.body ?? "\(request.method) \(request.uri.path): \(error.status.reasonPhrase)")
        }
    }
}
