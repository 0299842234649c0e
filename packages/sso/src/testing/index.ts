/**
 * Test providers for `@lectern/sso` and applications that install it (needs `oidc-provider` as a
 * devDependency): a certified OpenID Provider on 127.0.0.1, and a small fake issuer.
 */
export { type FakeIssuer, type IssueOptions, startFakeIssuer } from "./fake-issuer.js";
export { startTestOidcProvider, type TestAccount, type TestOidcProvider } from "./oidc-provider.js";
