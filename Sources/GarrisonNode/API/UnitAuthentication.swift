import Foundation
import GarrisonCore
import GarrisonHTTP
import Hummingbird
import HummingbirdAuth

/// The request context of a node's units' API: the unit whose bearer token the request carries, once
/// `UnitTokenAuthenticator` found it.
struct NodeRequestContext: AuthRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The unit behind the request's token; nil without one (the probes, the public statistics).
    var identity: UnitPrincipal?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
    }

    /// The unit a `UnitRequired` group let through.
    func unit() throws -> UnitPrincipal {
        guard let identity else { throw UnitRequired.missing }
        return identity
    }
}

/// Reads `Authorization: Bearer gut_…` (issued with `garrison node token issue`): a known token puts its unit in
/// the context, an unknown or revoked one is refused (401 `invalid_token`) wherever it is sent, and a request
/// without one goes on as anonymous.
struct UnitTokenAuthenticator: AuthenticatorMiddleware {
    typealias Context = NodeRequestContext
    let store: NodeStore

    func authenticate(request: Request, context: NodeRequestContext) async throws -> UnitPrincipal? {
        guard let bearer = request.headers.bearer else { return nil }
        guard let unit = try store.authenticate(token: bearer.token.trimmingCharacters(in: .whitespaces)) else {
            throw Problem(.unauthorized, code: .invalidToken, detail: "the token is unknown or revoked")
        }
        return unit
    }
}

/// The staff routes: a request without a unit's token is refused with 401 `token_required`.
struct UnitRequired: RouterMiddleware {
    typealias Context = NodeRequestContext

    static let missing = Problem(
        .unauthorized, code: .tokenRequired,
        detail: "send the unit's token as `Authorization: Bearer …` (tokens come from `garrison node token issue`)")

    func handle(_ request: Request, context: NodeRequestContext, next: (Request, NodeRequestContext) async throws -> Response) async throws -> Response {
        guard context.identity != nil else { throw Self.missing }
        return try await next(request, context)
    }
}
