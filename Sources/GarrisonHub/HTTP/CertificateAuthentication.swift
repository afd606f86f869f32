import GarrisonCore
import GarrisonHTTP
import GarrisonPKI
import HummingbirdAuth
import Hummingbird

/// The caller of a request on the hub's mutual-TLS listener: the identity its client certificate names, the one
/// source of tenant and role (DESIGN §6). Its `roles` are what hummingbird-auth's `RolePolicy` checks.
struct CertifiedCaller: RoleProviding, Sendable {
    let identity: CertificateIdentity

    var roles: Set<CertificateIdentity.Role> { [identity.role] }

}

/// Puts the caller in the request context: the gatekeeper reads the client certificate and refuses (403) one
/// that is revoked or names no identity, before any route sees the request.
struct CertificateAuthenticator: AuthenticatorMiddleware {
    typealias Context = HubRequestContext
    let gatekeeper: Gatekeeper

    func authenticate(request: Request, context: HubRequestContext) async throws -> CertifiedCaller? {
        CertifiedCaller(identity: try await gatekeeper.identity(context))
    }
}

/// Lets a request on only when its caller satisfies `policy` (a `RolePolicy`, or several with `anyOf`); any other
/// caller is refused with 403 `wrong_role`, saying what the routes need, and counted under its garrison.
struct RoleGate<Policy: AuthorizationPolicy>: RouterMiddleware where Policy.Identity == CertifiedCaller {
    typealias Context = HubRequestContext
    let policy: Policy
    /// The certificate these routes need, for the refusal: "an admin certificate".
    let needs: String
    let metrics: HubMetrics

    func handle(_ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        guard let caller = context.identity else {
            throw Problem(.unauthorized, code: .noCertificate, detail: "this listener requires a client certificate")
        }
        guard try await policy.isAuthorized(identity: caller, request: request), caller.identity.principal != nil else {
            metrics.refused(garrison: caller.identity.label, code: .wrongRole)
            throw Problem.forbidden(.wrongRole, "\(request.uri.path) needs \(needs), not a \(caller.identity.role.rawValue) one")
        }
        return try await next(request, context)
    }
}

extension RoleGate where Policy == RolePolicy<CertifiedCaller> {
    /// The administrators' routes: an admin certificate only.
    static func administrators(metrics: HubMetrics) -> Self {
        RoleGate(policy: RolePolicy(.admin), needs: "an admin certificate", metrics: metrics)
    }
}

extension HubRequestContext {
    /// The principal a `RoleGate` let through (the merge and authority rules know it).
    func principal() throws -> Principal {
        guard let principal = identity?.identity.principal else {
            throw Problem(.unauthorized, code: .noCertificate, detail: "this route needs an authenticated client certificate")
        }
        return principal
    }
}
