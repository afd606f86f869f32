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
            throw Problem(error, request: request)
        }
    }
}

extension Problem {
    /// Runs a handler and turns every failure into problem+json: `Problem`s as they are, what `translate` knows
    /// (a database outage into 503, say) as it says, anything else into a logged 500 that tells the caller
    /// nothing internal.
    public static func answering<Context: RequestContext>(
        _ context: Context, service: String, translate: (any Error) -> Problem? = { _ in nil },
        _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            // The router's own refusals (a path parameter that does not parse) are the caller's, not internal.
            throw Problem(error, request: nil)
        } catch {
            if let problem = translate(error) { throw problem }
            context.logger.error("internal failure", metadata: ["error": "\(String(reflecting: error))"])
            throw Problem(.internalServerError, code: "internal_error", detail: "the \(service) failed to answer; see its log")
        }
    }
}

extension Problem {
    /// The problem for one of Hummingbird's own errors, with a stable code by status.
    init(_ error: HTTPError, request: Request?) {
        let code = switch error.status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "too_large"
        case .badRequest: "bad_request"
        default: "http_\(error.status.code)"
        }
        let fallback = request.map { "\($0.method) \($0.uri.path): \(error.status.reasonPhrase)" } ?? error.status.reasonPhrase
        self.init(error.status, code: code, detail: error.body ?? fallback)
    }
}
