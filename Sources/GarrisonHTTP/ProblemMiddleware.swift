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

extension Problem {
    /// Runs a handler and turns every failure into problem+json: `Problem`s and Hummingbird's `HTTPError`s as they
    /// are, what `translate` knows (a database outage into 503, say) as it says, anything else into a logged 500
    /// that tells the caller nothing internal.
    public static func answering<Context: RequestContext>(
        _ context: Context, service: String, translate: (any Error) -> Problem? = { _ in nil },
        _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            // Hummingbird's own refusals (a path parameter of the wrong type, say) keep their status: the
            // middleware answers them as problem+json.
            throw error
        } catch {
            if let problem = translate(error) { throw problem }
            context.logger.error("internal failure", metadata: ["error": "\(String(reflecting: error))"])
            throw Problem(.internalServerError, code: "internal_error", detail: "the \(service) failed to answer; see its log")
        }
    }
}
