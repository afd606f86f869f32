import GarrisonCore
import Hummingbird
import Logging

/// The one place where a listener's failures become answers: every error, the router's own (unknown path, wrong
/// method, a path parameter that does not parse) included, answers `application/problem+json`.
///
/// `Problem`s go out as they are; what `translate` knows (a database outage into 503, say) as it says; anything
/// else is logged and answered 500 with nothing internal in it. Handlers throw and never wrap themselves.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Maps a failure this daemon understands to its problem, or nil for the generic 500.
    public typealias Translation = @Sendable (any Error, Logger) -> Problem?

    private let service: String
    private let translate: Translation

    /// - Parameters:
    ///   - service: names the daemon in a 500's detail ("the hub failed to answer; see its log").
    ///   - translate: the daemon's own mapping, tried before the generic 500.
    public init(service: String, translate: @escaping Translation = { _, _ in nil }) {
        self.service = service
        self.translate = translate
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            throw Problem(error, request: request)
        } catch {
            if let problem = translate(error, context.logger) { throw problem }
            context.logger.error("internal failure", metadata: ["error": "\(String(reflecting: error))"])
            throw Problem(.internalServerError, code: .internalError, detail: "the \(service) failed to answer; see its log")
        }
    }
}

extension Problem {
    /// The problem for one of Hummingbird's own errors, with a stable code by status.
    init(_ error: HTTPError, request: Request) {
        let code: ProblemCode = switch error.status {
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .contentTooLarge: .tooLarge
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        default: .http(error.status.code)
        }
        self.init(error.status, code: code, detail: error.body ?? "\(request.method) \(request.uri.path): \(error.status.reasonPhrase)")
    }
}
