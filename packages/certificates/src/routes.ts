import {
  createRouter,
  currentUser,
  defineRoute,
  IdParam,
  json,
  jsonBody,
  type LecternEnv,
  type PluginContext,
  pageOf,
  pageQuery,
  serveStoredFile,
  z,
} from "@lectern/core";
import { Hono } from "hono";
import { CERTIFICATE_STATUSES } from "./schema.js";
import type { CertificatesService } from "./service.js";

const Id = z.string().uuid();
const TAG = ["Certificates"];

const CertificateSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    userId: z.string(),
    status: z.enum(CERTIFICATE_STATUSES),
    code: z.string().nullable().openapi({ description: "Given at issuance", example: "7KQ2-M9XD-4HRT" }),
    verifyUrl: z.string().nullable(),
    issuedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    holderName: z.string(),
    courseTitle: z.string(),
    requestedAt: z.string(),
    rejectedAt: z.string().nullable(),
    reason: z.string().nullable().openapi({ description: "Why it was rejected or revoked" }),
    pdfUrl: z.string().nullable(),
    pngUrl: z.string().nullable(),
    credentialUrl: z.string().nullable(),
  })
  .openapi("Certificate");

const BatchSchema = z
  .object({
    id: z.string(),
    status: z.enum(["running", "completed"]),
    courseId: z.string().nullable(),
    total: z.number().int(),
    done: z
      .number()
      .int()
      .openapi({ description: "Finished items, whatever the outcome; progress is done / total" }),
    issued: z.number().int(),
    skipped: z.number().int().openapi({ description: "Requests no longer pending when their turn came" }),
    failed: z.number().int(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    failures: z.array(
      z.object({ certificateId: z.string(), outcome: z.enum(["skipped", "failed"]), error: z.string() }),
    ),
  })
  .openapi("CertificateBatch");

const VerificationSchema = z
  .object({
    valid: z.boolean(),
    status: z.enum(["issued", "revoked"]),
    code: z.string(),
    holderName: z.string(),
    courseTitle: z.string(),
    issuedAt: z.string(),
    revokedAt: z.string().nullable(),
    issuer: z.object({ name: z.string(), url: z.string() }),
  })
  .openapi("CertificateVerification");

const KeysSchema = z
  .object({
    current: z.string(),
    keys: z.array(z.object({ kid: z.string(), createdAt: z.string(), retiredAt: z.string().nullable() })),
  })
  .openapi("IssuerKeys");

const Reason = z.object({
  reason: z.string().trim().min(1, "Give a reason: the student reads it.").max(2000),
});

const fileResponse = (type: string) => ({
  description: "The file",
  content: { [type]: { schema: z.string() } },
});
const JWT_TYPE = "application/vc+jwt";

const routes = {
  list: defineRoute({
    method: "get",
    path: "/admin/certificates",
    access: "certificates.manage",
    tags: TAG,
    summary: "Certificate requests and certificates, newest first; `?status=pending` for the queue",
    request: {
      query: z.object({
        status: z.enum(CERTIFICATE_STATUSES).optional(),
        courseId: Id.optional(),
        userId: Id.optional(),
        ...pageQuery,
      }),
    },
    responses: { 200: json(pageOf(CertificateSchema), "A page of certificates") },
  }),
  approve: defineRoute({
    method: "post",
    path: "/admin/certificates/{id}/approve",
    access: "certificates.manage",
    tags: TAG,
    summary: "Issue a pending certificate: render the PDF, sign the credential, mail the holder",
    request: { params: IdParam },
    responses: { 200: json(CertificateSchema, "The issued certificate") },
  }),
  reject: defineRoute({
    method: "post",
    path: "/admin/certificates/{id}/reject",
    access: "certificates.manage",
    tags: TAG,
    summary: "Reject a pending request (an issued certificate is revoked instead)",
    request: { params: IdParam, body: jsonBody(Reason) },
    responses: { 200: json(CertificateSchema, "The rejected request") },
  }),
  revoke: defineRoute({
    method: "post",
    path: "/admin/certificates/{id}/revoke",
    access: "certificates.manage",
    tags: TAG,
    summary: "Revoke an issued certificate; verification and the status list report it at once",
    request: { params: IdParam, body: jsonBody(Reason) },
    responses: { 200: json(CertificateSchema, "The revoked certificate") },
  }),
  startBatch: defineRoute({
    method: "post",
    path: "/admin/certificates/batches",
    access: "certificates.manage",
    tags: TAG,
    summary: "Approve many requests in the background: every pending one of a course, or the given ids",
    request: {
      body: jsonBody(
        z
          .object({ courseId: Id.optional(), ids: z.array(Id).min(1).max(10_000).optional() })
          .refine((b) => (b.courseId === undefined) !== (b.ids === undefined), {
            message: "Give either courseId or ids.",
            path: ["courseId"],
          }),
      ),
    },
    responses: { 202: json(BatchSchema, "The batch, queued; poll it for progress") },
  }),
  getBatch: defineRoute({
    method: "get",
    path: "/admin/certificates/batches/{id}",
    access: "certificates.manage",
    tags: TAG,
    summary: "A batch's progress (done / total) and the certificates it could not issue",
    request: { params: IdParam },
    responses: { 200: json(BatchSchema, "The batch") },
  }),
  keys: defineRoute({
    method: "get",
    path: "/admin/certificates/keys",
    access: "certificates.manage",
    tags: TAG,
    summary: "The issuer's signing keys: the current one and the retired ones that still verify",
    responses: { 200: json(KeysSchema, "The keys (public information only)") },
  }),
  rotateKey: defineRoute({
    method: "post",
    path: "/admin/certificates/keys/rotate",
    access: "certificates.manage",
    tags: TAG,
    summary: "Sign from now on with a new key; credentials signed before keep verifying",
    responses: { 200: json(KeysSchema, "The keys after rotation") },
  }),
  mine: defineRoute({
    method: "get",
    path: "/me/certificates",
    access: "certificates.hold",
    tags: TAG,
    summary: "The student's own certificates and pending requests",
    request: { query: z.object({ status: z.enum(CERTIFICATE_STATUSES).optional(), ...pageQuery }) },
    responses: { 200: json(pageOf(CertificateSchema), "A page of certificates") },
  }),
  get: defineRoute({
    method: "get",
    path: "/certificates/{id}",
    access: "signed-in",
    tags: TAG,
    summary: "One certificate (its holder or an admin)",
    request: { params: IdParam },
    responses: { 200: json(CertificateSchema, "The certificate") },
  }),
  pdf: defineRoute({
    method: "get",
    path: "/certificates/{id}/pdf",
    access: "signed-in",
    tags: TAG,
    summary: "The certificate as PDF (its holder or an admin)",
    request: { params: IdParam },
    responses: { 200: fileResponse("application/pdf") },
  }),
  png: defineRoute({
    method: "get",
    path: "/certificates/{id}/png",
    access: "signed-in",
    tags: TAG,
    summary: "A PNG preview of the certificate, 1600 px wide (its holder or an admin)",
    request: { params: IdParam },
    responses: { 200: fileResponse("image/png") },
  }),
  credential: defineRoute({
    method: "get",
    path: "/certificates/{id}/credential",
    access: "signed-in",
    tags: TAG,
    summary: "The signed Open Badges 3.0 credential: a VC-JWT, or `?format=json` for it and its payload",
    request: {
      params: IdParam,
      query: z.object({ format: z.enum(["jwt", "json"]).default("jwt") }),
    },
    responses: {
      200: {
        description: "The credential",
        content: {
          [JWT_TYPE]: { schema: z.string() },
          "application/json": {
            schema: z.object({ jwt: z.string(), credential: z.record(z.string(), z.unknown()) }),
          },
        },
      },
    },
  }),
  verify: defineRoute({
    method: "get",
    path: "/verify/{code}",
    access: "public",
    tags: TAG,
    summary: "Check a verification code; 404 with `valid: false` when no certificate has it",
    request: {
      params: z.object({
        code: z
          .string()
          .max(64)
          .openapi({ param: { name: "code", in: "path" } }),
      }),
    },
    responses: { 200: json(VerificationSchema, "What the certificate says and whether it still stands") },
  }),
  statusList: defineRoute({
    method: "get",
    path: "/credentials/status/{list}",
    access: "public",
    tags: TAG,
    summary: "A revocation Bitstring Status List credential (VC-JWT), as credentials' credentialStatus names",
    request: {
      params: z.object({
        list: z.coerce
          .number()
          .int()
          .min(0)
          .max(1_000_000)
          .openapi({ param: { name: "list", in: "path" } }),
      }),
    },
    responses: {
      200: { description: "The status list credential", content: { [JWT_TYPE]: { schema: z.string() } } },
    },
  }),
  issuer: defineRoute({
    method: "get",
    path: "/credentials/issuer",
    access: "public",
    tags: TAG,
    summary: "The issuer's Open Badges profile, named by every credential's issuer.id",
    responses: { 200: json(z.record(z.string(), z.unknown()), "The issuer profile") },
  }),
};

export function certificatesRoutes(ctx: PluginContext, service: CertificatesService) {
  return createRouter()
    .openapi(routes.list, async (c) => c.json(await service.listAll(c.req.valid("query")), 200))
    .openapi(routes.approve, async (c) =>
      c.json(await service.approve(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.reject, async (c) =>
      c.json(await service.reject(currentUser(c), c.req.valid("param").id, c.req.valid("json").reason), 200),
    )
    .openapi(routes.revoke, async (c) =>
      c.json(await service.revoke(currentUser(c), c.req.valid("param").id, c.req.valid("json").reason), 200),
    )
    .openapi(routes.startBatch, async (c) =>
      c.json(await service.startBatch(currentUser(c), c.req.valid("json")), 202),
    )
    .openapi(routes.getBatch, async (c) => c.json(await service.getBatch(c.req.valid("param").id), 200))
    .openapi(routes.keys, async (c) => c.json(await service.issuerKeys(), 200))
    .openapi(routes.rotateKey, async (c) => c.json(await service.rotateIssuerKey(), 200))
    .openapi(routes.mine, async (c) =>
      c.json(await service.listAll({ ...c.req.valid("query"), userId: currentUser(c).id }), 200),
    )
    .openapi(routes.get, async (c) =>
      c.json(await service.getCertificate(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.pdf, async (c) => {
      const file = await service.openPdf(currentUser(c), c.req.valid("param").id);
      return serveStoredFile(c, {
        storage: ctx.storage,
        ...file,
        contentType: "application/pdf",
        etag: file.key,
      }) as never;
    })
    .openapi(routes.png, async (c) => {
      const file = await service.openPng(currentUser(c), c.req.valid("param").id);
      return serveStoredFile(c, {
        storage: ctx.storage,
        ...file,
        contentType: "image/png",
        etag: file.key,
      }) as never;
    })
    .openapi(routes.credential, async (c) => {
      const { jwt, credential } = await service.credentialOf(currentUser(c), c.req.valid("param").id);
      if (c.req.valid("query").format === "json") return c.json({ jwt, credential }, 200);
      return c.body(jwt, 200, { "Content-Type": JWT_TYPE }) as never;
    })
    .openapi(routes.verify, async (c) =>
      c.json(await service.verify(c.req.valid("param").code, c.get("clientAddress")), 200),
    )
    .openapi(routes.statusList, async (c) => {
      const jwt = await service.statusListCredential(c.req.valid("param").list);
      // Verifiers may cache a little; a revocation shows within five minutes at the latest.
      return c.body(jwt, 200, { "Content-Type": JWT_TYPE, "Cache-Control": "public, max-age=300" }) as never;
    })
    .openapi(routes.issuer, (c) => c.json(service.issuerProfile(), 200));
}

/** `/.well-known/jwks.json`: its place is fixed by convention, outside `/api`. */
export function certificatesRootRoutes(service: CertificatesService) {
  return new Hono<LecternEnv>().get("/.well-known/jwks.json", async (c) =>
    c.json(await service.jwks(), 200, {
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
    }),
  );
}
